import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/analysis/anomaly/random.ts';
import { formatLike } from '../../../src/analysis/forecast/format-time.ts';
import { forecastSeasonal, forecastSeasonalNaive } from '../../../src/analysis/forecast/seasonal-profile.ts';

const HOUR = 3_600_000;

/** Hourly points for `weeks` weeks: a daily cycle, weekends lower, noise. */
function weekly(weeks: number) {
  const random = seededRandom(5);
  return Array.from({ length: weeks * 168 }, (_, i) => {
    const hour = i % 24;
    const weekend = Math.floor(i / 24) % 7 >= 5;
    return 100 + 40 * Math.sin((2 * Math.PI * hour) / 24) - (weekend ? 30 : 0) + (random() - 0.5) * 10;
  });
}

describe('seasonal forecast', () => {
  it('beats seasonal naive on a daily and weekly cycle, with honest intervals', () => {
    const all = weekly(11);
    const train = all.slice(0, 10 * 168);
    const actual = all.slice(10 * 168);
    const forecast = forecastSeasonal(train, HOUR, 0, 168);
    const naive = forecastSeasonalNaive(train, HOUR, 168);
    const mae = (xs: number[]) => xs.reduce((s, x, i) => s + Math.abs(x - actual[i]!), 0) / xs.length;
    expect(mae(forecast.map((f) => f.value))).toBeLessThan(mae(naive));
    const covered = forecast.filter((f, i) => actual[i]! >= f.lower && actual[i]! <= f.upper).length / forecast.length;
    expect(covered).toBeGreaterThan(0.85);
    expect(forecast.every((f) => f.lower <= f.value && f.value <= f.upper)).toBe(true);
    expect(forecast[0]!.time).toBe(HOUR);
  });

  it('uses the daily cycle when there are under two weeks of history', () => {
    const train = weekly(1).slice(0, 72);
    const forecast = forecastSeasonal(train, HOUR, 0, 24);
    expect(forecast).toHaveLength(24);
    expect(Math.abs(forecast[6]!.value - train[48 + 6]!)).toBeLessThan(25);
  });

  /** Hourly points for `days` days: low at night, high by day (a square-ish daily cycle), noise. */
  function daily(days: number, seed = 9) {
    const random = seededRandom(seed);
    return Array.from({ length: days * 24 }, (_, i) => (i % 24 >= 8 && i % 24 < 19 ? 80 : 20) + (random() - 0.5) * 4);
  }
  const meanError = (forecast: { value: number }[], actual: number[]) => forecast.reduce((s, f, i) => s + Math.abs(f.value - actual[i]!), 0) / forecast.length;

  it('follows a level shift the last hours agree on', () => {
    const all = daily(11);
    // From 12 hours before the end of training, everything runs 50 higher and stays there.
    const shiftAt = 10 * 24 - 12;
    for (let i = shiftAt; i < all.length; i++) all[i]! += 50;
    const train = all.slice(0, 10 * 24);
    const actual = all.slice(10 * 24);
    const forecast = forecastSeasonal(train, HOUR, 0, 24);
    const fixedShare = forecastSeasonal(train, HOUR, 0, 24, { offsetWeight: 0.5, offsetHalfLife: Infinity });
    expect(meanError(forecast, actual)).toBeLessThan(5);
    expect(meanError(fixedShare, actual)).toBeGreaterThan(15);
  });

  it('does not carry a day whose shape went wrong into the next', () => {
    const all = daily(11);
    // The last training day is flat between the usual night and day levels; the next is normal again.
    for (let i = 9 * 24; i < 10 * 24; i++) all[i] = 40;
    const train = all.slice(0, 10 * 24);
    const actual = all.slice(10 * 24);
    const forecast = forecastSeasonal(train, HOUR, 0, 24);
    const fullShare = forecastSeasonal(train, HOUR, 0, 24, { offsetWeight: 1 });
    expect(meanError(forecast, actual)).toBeLessThan(5);
    expect(meanError(fullShare, actual)).toBeGreaterThan(15);
  });

  it('refuses what it cannot forecast', () => {
    expect(() => forecastSeasonal([], HOUR, 0, 10)).toThrow(/no training data/);
    expect(() => forecastSeasonal([1, 2], 0, 0, 10)).toThrow(/regular step/);
  });

  it('writes times the way the input did', () => {
    const t = Date.UTC(2015, 0, 31, 23, 30);
    expect(formatLike('2014-07-01 00:00:00', t)).toBe('2015-01-31 23:30:00');
    expect(formatLike('2014-07-01T00:00:00Z', t)).toBe('2015-01-31T23:30:00.000Z');
    expect(formatLike('1404172800000', t)).toBe(String(t));
  });
});
