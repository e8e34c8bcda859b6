import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The viewer is built ahead into ../web-dist, which the package ships: serving needs no build.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // Preact's JSX runtime, without a plugin: the app uses no React compatibility layer.
  // development off: under Vitest (NODE_ENV=test) it would otherwise build the debug JSX runtime.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact', development: false } },
  build: {
    outDir: fileURLToPath(new URL('../web-dist', import.meta.url)),
    emptyOutDir: true,
    // Everything local: no CDN, fonts are the system's.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
  },
  logLevel: 'warn',
});
