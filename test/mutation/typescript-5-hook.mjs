// Loaded into StrykerJS's own processes only: the main one (test/mutation/mutate.mjs) and its type checkers
// (`checkerNodeArgs` in stryker.config.mjs). The project compiles with TypeScript 7, the native port, which has no
// compiler API in JavaScript; Stryker (its tsconfig rewriting and @stryker-mutator/typescript-checker) needs that
// API. So when Stryker, and only Stryker, imports `typescript`, it gets `typescript-5` (package.json:
// `npm:typescript@~5.9`), which type-checks this tree the same way.
import { register } from 'node:module'

register(new URL('./typescript-5-resolve.mjs', import.meta.url))
