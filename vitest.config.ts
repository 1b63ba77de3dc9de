import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // node:sqlite prints an ExperimentalWarning on Node 22; it is expected, not news.
    execArgv: ['--disable-warning=ExperimentalWarning'],
  },
});
