/**
 * A jsdom document as the global environment, so React components render in Node for Testing Library.
 * Import this before React or Testing Library.
 */
import { JSDOM } from 'jsdom'

const dom = new JSDOM('<!doctype html><html><body></body></html>', {
  url: 'http://127.0.0.1/',
  pretendToBeVisual: true,
})
const g = globalThis as unknown as Record<string, unknown>
for (const key of [
  'window',
  'document',
  'navigator',
  'HTMLElement',
  'HTMLInputElement',
  'Node',
  'Element',
  'Event',
  'KeyboardEvent',
  'MouseEvent',
  'getComputedStyle',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'MutationObserver',
]) {
  if (!(key in g) || key === 'window' || key === 'document' || key === 'navigator') {
    Object.defineProperty(g, key, {
      value: (dom.window as unknown as Record<string, unknown>)[key],
      configurable: true,
      writable: true,
    })
  }
}
g.IS_REACT_ACT_ENVIRONMENT = true
