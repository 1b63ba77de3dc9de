import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const protocolSource = fileURLToPath(new URL('./packages/protocol/src/', import.meta.url));

export default defineConfig({
  resolve: {
    // Inside the repository the shared package is read from source, as tsconfig's `paths` says;
    // its package.json points at the built files a user installs.
    alias: [
      { find: /^@vitalstream\/protocol$/, replacement: `${protocolSource}index.ts` },
      { find: /^@vitalstream\/protocol\/(.+)$/, replacement: `${protocolSource}$1.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // node:sqlite prints an ExperimentalWarning on Node 22; it is expected, not news.
    execArgv: ['--disable-warning=ExperimentalWarning'],
  },
});
