import { defineConfig } from 'vite';

/**
 * The desktop shell: `--mode main` bundles the main process as ESM (electron-store is ESM-only),
 * `--mode preload` the sandboxed preload as a single CommonJS file that requires only 'electron'.
 */
export default defineConfig(({ mode }) => {
  const preload = mode === 'preload';
  return {
    build: {
      ssr: preload ? 'electron/preload.ts' : 'electron/main.ts',
      outDir: 'dist/electron',
      emptyOutDir: false,
      target: 'node20',
      sourcemap: true,
      rollupOptions: {
        external: ['electron'],
        output: { format: preload ? 'cjs' : 'es', entryFileNames: preload ? 'preload.cjs' : 'main.js' },
      },
    },
    ssr: preload ? { noExternal: true } : undefined,
  };
});
