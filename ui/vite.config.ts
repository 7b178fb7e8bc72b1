// Vite configuration for the Carnet UI: a static SPA embedded in the Tauri binary, plus Vitest.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

export default defineConfig({
  plugins: [svelte(), ...(process.env.VITEST ? [svelteTesting()] : [])],
  // Relative asset URLs: the bundle is served by Tauri's custom protocol, not from a web server root.
  base: './',
  clearScreen: false,
  server: { port: 5173, strictPort: true, host: '127.0.0.1' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'safari15',
    // No inlined data: assets, so the CSP never needs more than 'self' for scripts and styles.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    // Whole-app renders with an axe-core audit take a few seconds on a shared machine.
    testTimeout: 20_000,
  },
});
