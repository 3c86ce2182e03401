// Vite builds the window's UI into ui/dist (the Tauri app's frontendDist); vitest runs the
// unit tests in happy-dom. The message catalog is read from crates/text/locales (one catalog
// for the whole product), so the server may read the repository's root.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  base: './',
  server: { fs: { allow: ['..'] }, strictPort: true, port: 1420 },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK of Debian 12 and later.
    target: 'safari16',
    // No inline data: URLs in the bundle: the CSP is `default-src 'self'`.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 300,
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
});
