import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

// The page is served by `hyperp ui` from dist/web; everything it loads is bundled (no request leaves the machine).
export default defineConfig({
  plugins: [preact()],
  build: { outDir: 'dist/web', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1000 },
});
