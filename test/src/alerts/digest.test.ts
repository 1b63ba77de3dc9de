import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/alerts/alert.ts';
import { limitNotifications } from '../../../src/alerts/digest.ts';

const T = Date.UTC(2026, 11, 6, 12, 0);
const alert = (app: string, page: string, overrides: Partial<Alert> = {}): Alert => ({
  key: `web_vital_poor|web_vitals_lcp|${app}${page}`,
  rule: 'web_vital_poor',
  severity: 'warning',
  state: 'firing',
  title: `LCP p75 is poor on app=${app}, page=${page}`,
  message: '…',
  at: T,
  app,
  ...overrides,
});

describe('notifications per run', () => {
  it('sends at most N per app and one digest for the rest of that app, naming how many', () => {
    const storm = Array.from({ length: 101 }, (_, i) => alert('shop', `/p/${i}`));
    const notifications = limitNotifications([...storm, alert('blog', '/home')], 5, T);
    expect(notifications).toHaveLength(5 + 1 + 1);
    const digest = notifications.find((n) => n.alert.rule === 'digest')!;
    expect(digest.alert.title).toBe('shop: and 96 more firing alerts this run');
    expect(digest.covers).toHaveLength(96);
    expect(digest.alert.message).toContain('- LCP p75 is poor on app=shop, page=/p/5');
    expect(digest.alert.message).toContain('…and 86 more');
    expect(notifications.filter((n) => n.alert.app === 'blog').map((n) => n.alert.rule)).toEqual(['web_vital_poor']);
  });

  it('sends the most severe firing alerts on their own and folds resolutions first', () => {
    const alerts = [alert('shop', '/a', { state: 'resolved', severity: 'info' }), alert('shop', '/b'), alert('shop', '/c', { severity: 'critical' })];
    const notifications = limitNotifications(alerts, 2, T);
    expect(notifications.map((n) => n.alert.title)).toEqual([
      'LCP p75 is poor on app=shop, page=/c',
      'LCP p75 is poor on app=shop, page=/b',
      'shop: and 1 more resolved alert this run',
    ]);
  });

  it('passes a run under the cap through untouched', () => {
    const alerts = [alert('shop', '/a'), alert('shop', '/b')];
    expect(limitNotifications(alerts, 5, T).map((n) => n.alert)).toEqual(alerts);
  });
});
