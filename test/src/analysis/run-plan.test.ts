import { ANOMALY_HISTORY_MS } from '../../../src/analysis/anomaly/series-anomalies.ts';
import { describe, expect, it } from 'vitest';
import { emptyAlertState } from '../../../src/alerts/lifecycle.ts';
import { DEFAULT_ANALYSIS, planAnalysis, readRange } from '../../../src/analysis/run-plan.ts';

const T = Date.UTC(2026, 11, 1, 9, 30, 20);

describe('the analysis plan', () => {
  it('judges the last five complete minutes, detects on its first run and every 15 minutes, refits every 6 h', () => {
    const first = planAnalysis(T, emptyAlertState(), 0, DEFAULT_ANALYSIS);
    expect(first.window).toEqual({ from: Date.UTC(2026, 11, 1, 9, 25), to: Date.UTC(2026, 11, 1, 9, 30) });
    expect(first).toMatchObject({ detectAnomalies: true, refitForecasts: true });
    const checked = { ...emptyAlertState(), anomalies: { checkedAt: T - 10 * 60_000, conditions: [] } };
    expect(planAnalysis(T, checked, T - 3_600_000, DEFAULT_ANALYSIS)).toMatchObject({ detectAnomalies: false, refitForecasts: false });
    expect(planAnalysis(T + 5 * 60_000, checked, T - 6 * 3_600_000, DEFAULT_ANALYSIS)).toMatchObject({ detectAnomalies: true, refitForecasts: true });
    expect(planAnalysis(T, emptyAlertState(), undefined, { ...DEFAULT_ANALYSIS, anomalyEveryMs: 0 })).toMatchObject({
      detectAnomalies: false,
      refitForecasts: false,
    });
  });

  it('reads the kept history span (three days) on a first detection, from the kept statistics after, and five minutes otherwise', () => {
    const plan = planAnalysis(T, emptyAlertState(), undefined, DEFAULT_ANALYSIS);
    const firstRead = readRange(plan, undefined);
    expect(plan.window.to - firstRead.from).toBeGreaterThanOrEqual(ANOMALY_HISTORY_MS);
    const quiet = planAnalysis(T, { ...emptyAlertState(), anomalies: { checkedAt: T, conditions: [] } }, undefined, DEFAULT_ANALYSIS);
    expect(readRange(quiet, undefined)).toEqual(quiet.window);
  });
});
