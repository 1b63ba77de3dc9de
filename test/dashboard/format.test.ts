import { describe, expect, it } from 'vitest';
// @ts-expect-error: the dashboard is plain JavaScript, served as is, without declarations.
import { ms, plural } from '../../dashboard/format.js';
// @ts-expect-error: as above.
import { renderAlerts } from '../../dashboard/panels/lists.js';
// @ts-expect-error: as above.
import { breakdownStep } from '../../dashboard/panels/page-view.js';

describe('dashboard formatting', () => {
  it("charts a page view's breakdowns at most 30 points over the range, at the finest step that allows", () => {
    const hour = 3600e3;
    expect([0.25 * hour, hour, 6 * hour, 24 * hour, 7 * 24 * hour].map(breakdownStep)).toEqual(['minute', '5m', '15m', 'hour', 'hour']);
  });

  it('gives a duration the digits it needs: sub-millisecond values are not "0 ms"', () => {
    expect([0, 0.42, 0.05, 1.4, 9.96, 12.4, 999.4, 1500].map(ms)).toEqual(['0 ms', '0.42 ms', '0.05 ms', '1.4 ms', '10 ms', '12 ms', '999 ms', '1.50 s']);
  });

  it('says "1 sample", never "1 samples"', () => {
    expect([plural(1, 'sample'), plural(2, 'sample'), plural(1, 'query', 'queries'), plural(1500, 'query', 'queries')]).toEqual([
      '1 sample',
      '2 samples',
      '1 query',
      '1,500 queries',
    ]);
  });

  it("lists the chosen app's alerts only", () => {
    const element = { innerHTML: '' };
    const alert = (app: string) => ({ rule: 'slow_request', severity: 'warning', title: `slow on app=${app}`, message: '', dimensions: { app } });
    renderAlerts(element, { open: [alert('shop'), alert('api')], recent: [] }, 'shop');
    expect(element.innerHTML).toContain('app=shop');
    expect(element.innerHTML).not.toContain('app=api');
    renderAlerts(element, { open: [alert('api')], recent: [] }, 'shop');
    expect(element.innerHTML).toContain('No open alerts for shop.');
  });
});
