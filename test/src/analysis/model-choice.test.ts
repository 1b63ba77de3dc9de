import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/analysis/anomaly/random.ts';
import { conformalWidth, forecastByBacktest } from '../../../src/analysis/forecast/model-choice.ts';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 11, 1);

describe('the forecast model chosen by backtest', () => {
  it('chooses the seasonal profile for a noisy daily cycle and says how it compared with seasonal naive', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 14 * 24 }, (_, h) => 100 + 40 * Math.sin((2 * Math.PI * h) / 24) + (random() - 0.5) * 30);
    const chosen = forecastByBacktest(values, HOUR, T, 24);
    expect(chosen.model).toBe('seasonal profile');
    expect(chosen.ratio).toBeLessThan(1);
    expect(chosen.points).toHaveLength(24);
    // The band is as wide as the backtest's errors: not zero, not the whole range.
    const width = chosen.points[0]!.upper - chosen.points[0]!.value;
    expect(width).toBeGreaterThan(5);
    expect(width).toBeLessThan(60);
  });

  it('keeps seasonal naive where nothing beats it (a cycle that repeats exactly)', () => {
    const values = Array.from({ length: 10 * 24 }, (_, h) => [5, 9, 2, 7][h % 4]! * ((h % 24) + 1));
    expect(forecastByBacktest(values, HOUR, T, 24)).toMatchObject({ model: 'seasonal naive', ratio: 1 });
  });

  it('gives a short series a wide band and says it has not enough history, never a zero-width band', () => {
    const flat = forecastByBacktest(
      Array.from({ length: 20 }, () => 42),
      HOUR,
      T,
      6,
    );
    expect(flat.note).toMatch(/^not enough history: 20 points, a backtest needs 126/);
    expect(flat.ratio).toBeNull();
    for (const p of flat.points) expect(p.upper - p.lower).toBeGreaterThan(20);
  });

  it('takes the conformal width as the ceil((n + 1) × coverage)-th smallest absolute error', () => {
    expect(conformalWidth([1, -2, 3, -4, 5, -6, 7, -8, 9], 0.9)).toBe(9);
    expect(conformalWidth([1, -2, 3, -4, 5, -6, 7, -8, 9], 0.5)).toBe(5);
  });
});
