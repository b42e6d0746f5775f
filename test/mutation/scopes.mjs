// What `npm run mutate -- <scope>` mutates, and which test files may kill those mutants. Globs, never file lists, so
// files moving inside a folder need no change here. A scope's tests are the files that mirror it plus those known to
// drive it; Stryker then runs, for each mutant, only the files among them that reached its code in the first run.
// Browser (e2e), load and bench tests stay out: slow, and they reach the code through other processes.
const ts = (folder) => [`${folder}/**/!(*.d).ts`]

export const SCOPES = {
  core: {
    mutate: ts('electron/core'),
    tests: [
      'test/core/**/*.test.ts',
      'test/websocket/**/*.test.ts',
      'test/static/**/*.test.ts',
      'test/property/header-pipe.property.test.ts',
      'test/property/message.property.test.ts',
      'test/property/frame-parser.property.test.ts',
    ],
  },
  capture: {
    mutate: ts('electron/capture'),
    tests: ['test/capture/**/*.test.ts', 'test/property/store.property.test.ts'],
  },
  recording: {
    mutate: ts('electron/recording'),
    tests: ['test/recording/**/*.test.ts', '!test/recording/artillery-run.test.ts'],
  },
  chaos: { mutate: ts('electron/chaos'), tests: ['test/chaos/**/*.test.ts'] },
  web: { mutate: ts('electron/web'), tests: ['test/web/**/*.test.ts'] },
  proxy: {
    mutate: ts('electron/proxy'),
    tests: ['test/core/server/proxy.test.ts', 'test/websocket/**/*.test.ts', 'test/apps/**/*.test.ts'],
  },
  pipeline: { mutate: ts('electron/pipeline'), tests: ['test/pipeline/**/*.test.ts'] },
  host: { mutate: ts('electron/host'), tests: ['test/host/**/*.test.ts'] },
  tls: { mutate: ts('electron/tls'), tests: ['test/tls/**/*.test.ts', '!test/tls/chromium.test.ts'] },
  apps: { mutate: ts('electron/apps'), tests: ['test/apps/**/*.test.ts', 'test/static/**/*.test.ts'] },
  cli: { mutate: ts('electron/cli'), tests: ['test/cli/**/*.test.ts'] },
  platform: { mutate: ts('electron/platform'), tests: ['test/host/sessions.test.ts', 'test/tls/**/*.test.ts'] },
  shell: { mutate: ts('electron/shell'), tests: ['test/shell/**/*.test.ts'] },
  shared: { mutate: ts('shared'), tests: ['test/shared/**/*.test.ts', 'test/renderer/**/*.test.ts'] },
  renderer: {
    mutate: [...ts('renderer/src/store'), ...ts('renderer/src/lib')],
    tests: ['test/renderer/**/*.test.ts'],
  },
}

/** The five folders the issue holds to a score of 80% or more, smallest first: what `npm run mutate` runs alone. */
export const DEFAULT_SCOPES = ['web', 'chaos', 'capture', 'recording', 'core']

/** What one run mutates: a scope's globs, or a folder or file inside it (`core/static`, `core/client/x.ts`). */
export function mutateGlobs(scope) {
  const [base = '', ...rest] = scope.split('/')
  const chosen = SCOPES[base]
  if (!chosen) throw new Error(`No mutation scope "${base}": pick one of ${Object.keys(SCOPES).join(', ')}`)
  const inside = rest.join('/')
  const folder = chosen.mutate[0]?.split('/**/')[0]
  if (inside === '') return chosen.mutate
  return [inside.endsWith('.ts') ? `${folder}/${inside}` : `${folder}/${inside}/**/!(*.d).ts`]
}
