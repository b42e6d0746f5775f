/**
 * The Traffic filter's `header:` and `body:` terms: main searches what it holds (`searchExchanges`, in slices
 * that yield to the proxies) and answers with the ids each term matched; the window's thread only looks ids up
 * in sets. While such a term is in the filter, the search is asked again at most every `CONTENT_REFRESH_MS`
 * as traffic arrives, so new exchanges join (or leave) the filtered table within about a second.
 */
import type { StateCreator } from 'zustand/vanilla'
import type { Transport } from '../../../shared/contract.ts'
import type { AppState } from './app-store.ts'
import { contentTerms, parseFilter, type ContentMatches } from './filter.ts'
import { rebuildVisible } from './traffic-index.ts'
import { messageOf } from './session-slice.ts'

export const CONTENT_REFRESH_MS = 1000

export type ContentSearchStatus = 'idle' | 'searching' | 'done' | 'failed'

export interface SearchSlice {
  /** The content terms the current matches are for (JSON), or '' when the filter has none. */
  readonly contentKey: string
  readonly contentMatches: ContentMatches | undefined
  readonly contentStatus: ContentSearchStatus
  /** Searches main for the current filter's content terms now (one search in flight at a time). */
  searchContent(): void
  /** Traffic arrived: searches again within `CONTENT_REFRESH_MS` if the filter has content terms. */
  contentChanged(): void
}

/** The key of a filter's content terms ('' for none), to tell whether matches still apply. */
export const contentKeyOf = (text: string): string => {
  const terms = contentTerms(text)
  return terms.length === 0 ? '' : JSON.stringify(terms)
}

export const createSearchSlice =
  (transport: Transport): StateCreator<AppState, [], [], SearchSlice> =>
  (set, get) => {
    let inFlight = false
    let again = false
    let timer: ReturnType<typeof setTimeout> | undefined

    return {
      contentKey: '',
      contentMatches: undefined,
      contentStatus: 'idle',

      searchContent() {
        const terms = contentTerms(get().filterText)
        if (terms.length === 0) {
          clearTimeout(timer)
          timer = undefined
          if (get().contentStatus !== 'idle') set({ contentStatus: 'idle', contentMatches: undefined })
          return
        }
        if (inFlight) {
          again = true
          return
        }
        inFlight = true
        const key = JSON.stringify(terms)
        set({ contentStatus: 'searching' })
        transport
          .invoke('searchExchanges', { terms })
          .then(
            ({ matches }) => {
              const s = get()
              if (contentKeyOf(s.filterText) === key) {
                const contentMatches = matches.map((ids) => new Set(ids))
                const predicate = parseFilter(s.filterText, contentMatches)
                set({
                  contentKey: key,
                  contentMatches,
                  contentStatus: 'done',
                  predicate,
                  visibleIds: rebuildVisible(s.ids, s.byId, predicate, s.comparator),
                })
              }
            },
            (error: unknown) => {
              set({ contentStatus: 'failed' })
              get().notify(`Could not search headers and bodies: ${messageOf(error)}`)
            },
          )
          .finally(() => {
            inFlight = false
            if (again) {
              again = false
              get().searchContent()
            }
          })
      },

      contentChanged() {
        if (timer !== undefined || contentKeyOf(get().filterText) === '') return
        timer = setTimeout(() => {
          timer = undefined
          get().searchContent()
        }, CONTENT_REFRESH_MS)
      },
    }
  }
