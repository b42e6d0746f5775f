// The resolve hook typescript-5-hook.mjs registers: `typescript`, imported from StrykerJS, is typescript-5.
export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'typescript' && context.parentURL?.includes('/node_modules/@stryker-mutator/')) {
    return nextResolve('typescript-5', context)
  }
  return nextResolve(specifier, context)
}
