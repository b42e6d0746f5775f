// A StrykerJS checker for sampled runs (`checkers: ['nanoscope-sampled-typescript']` when `--sample` is given): the
// TypeScript checker, asked only about the mutants in the sample. A mutant outside it (one nested in a sampled
// mutant's place, planted because StrykerJS's `mutate` ranges take whole places) passes at once: the test runner then
// answers it as outside the sample, and no score counts it. Type-checking it was most of a sampled run's time.
import { CheckStatus } from '@stryker-mutator/api/check'
import { commonTokens, declareFactoryPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin'
import { createTypescriptChecker } from '@stryker-mutator/typescript-checker'
import { inSample, mutantKey, sampleFraction, treeRelative } from './sample.mjs'

function createSampledChecker(injector) {
  const typescript = createTypescriptChecker(injector)
  const fraction = sampleFraction()
  const sampled = (mutant) => inSample(mutantKey(treeRelative(mutant.fileName), mutant), fraction)
  return {
    init: () => typescript.init(),
    async check(mutants) {
      const inside = mutants.filter(sampled)
      const results = inside.length > 0 ? await typescript.check(inside) : {}
      for (const mutant of mutants) if (!(mutant.id in results)) results[mutant.id] = { status: CheckStatus.Passed }
      return results
    },
    async group(mutants) {
      const inside = mutants.filter(sampled)
      const outside = mutants.filter((m) => !sampled(m)).map((m) => m.id)
      const groups = typescript.group ? await typescript.group(inside) : inside.map((m) => [m.id])
      return outside.length > 0 ? [outside, ...groups] : groups
    },
  }
}
createSampledChecker.inject = tokens(commonTokens.injector)

export const strykerPlugins = [
  declareFactoryPlugin(PluginKind.Checker, 'nanoscope-sampled-typescript', createSampledChecker),
]
