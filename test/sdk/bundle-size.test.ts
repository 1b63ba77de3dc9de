import { describe, expect, it } from 'vitest';
import { buildBrowserSdk, SIZE_BUDGET_BYTES } from '../../scripts/build-browser.ts';
import { tempDir } from '../../bench/support/temp-dir.ts';

describe('browser SDK bundle', () => {
  it('stays within its brotli budget (8 KiB) with every signal and web-vitals included', async () => {
    const dir = tempDir();
    const result = await buildBrowserSdk(dir.path);
    dir.remove();
    console.log(`browser SDK ${result.iifeBrotli} B brotli; web-vitals alone ${result.webVitalsBrotli} B; budget ${SIZE_BUDGET_BYTES} B`);
    expect(result.iifeBrotli).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
    expect(result.iifeBrotli).toBeGreaterThan(result.webVitalsBrotli);
  });
});
