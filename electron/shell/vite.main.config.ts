import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// The desktop app's main process as one ES module (dist/main/desktop.mjs) for packaging: the TypeScript under
// electron/ is compiled and bundled; `electron`, Node's built-ins and the npm dependencies stay imports. The
// preload script goes beside it, where the window looks for it. dist/main is as deep as electron/shell, so the
// paths the shell works out from its own location (../../dist/renderer) hold in both.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  publicDir: false,
  plugins: [
    {
      name: 'nanoscope-preload',
      generateBundle() {
        this.emitFile({
          type: 'asset',
          fileName: 'preload.cjs',
          source: readFileSync(new URL('./preload.cjs', import.meta.url)),
        })
      },
    },
  ],
  build: {
    ssr: fileURLToPath(new URL('./desktop.ts', import.meta.url)),
    outDir: fileURLToPath(new URL('../../dist/main', import.meta.url)),
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    // One module even where the sources import lazily (the S3 session store, loaded only for s3:// sessions).
    rollupOptions: { output: { format: 'es', entryFileNames: 'desktop.mjs', inlineDynamicImports: true } },
  },
})
