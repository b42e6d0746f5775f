// The resolve hook typescript-5-hook.mjs registers: `typescript`, imported from StrykerJS, is typescript-5; the
// native compiler's API that @stryker-mutator/typescript-checker's native preview asks for by an older name is
// TypeScript 7's own (`typescript/unstable/sync`, the package the project compiles with).
export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL?.includes('/node_modules/@stryker-mutator/')) {
    if (specifier === 'typescript') return nextResolve('typescript-5', context)
    if (specifier === '@typescript/native/unstable/sync') return nextResolve('typescript/unstable/sync', context)
  }
  return nextResolve(specifier, context)
}
