import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/analysis/anomaly/random.ts';
import type { BucketSeries } from '../../../src/analysis/anomaly/series-anomalies.ts';
import { foldIntoHours, TRACKED_PER_APP } from '../../../src/analysis/forecast/hourly-statistics.ts';
import { FORECAST_TOP, fitFromHourly } from '../../../src/analysis/forecast/scheduled-forecasts.ts';
import { forecastCrossings, weekOverWeek } from '../../../src/analysis/forecast/trend-alerts.ts';
import { addValue, emptyPartial } from '../../../src/aggregation/partial-aggregate.ts';
import { pointsOf } from '../../../src/analysis/points.ts';

const HOUR = 3_600_000;
// A Sunday midnight (UTC): the constructed weeks end on a Sunday, so the next day is a Monday.
const END = Date.UTC(2026, 10, 30);

/** Hourly p75 of LCP over `weeks`, ending at END, from a function of (hour index, weekday). */
function hourly(weeks: number, level: (h: number, weekday: number) => number, dimensions: Record<string, string> = { app: 'shop' }): BucketSeries {
  const random = seededRandom(4);
  const hours = weeks * 168;
  return {
    metric: 'web_vitals_lcp',
    statistic: 'p75',
    dimensions,
    points: pointsOf(
      Array.from({ length: hours }, (_, i): [number, number] => {
        const t = END - (hours - i) * HOUR;
        return [t, level(i, new Date(t).getUTCDay()) * (1 + 0.04 * (random() - 0.5))];
      }),
    ),
  };
}
const daily = (h: number) => Math.max(0, Math.sin((2 * Math.PI * ((h % 24) - 6)) / 24));

describe('trend alerts', () => {
  it('warns when the forecast crosses the poor line within the week, naming the day, while the last day was fine', () => {
    // Weekday afternoons peak past LCP's 4,000 ms poor line; weekends stay near 3,000.
    const series = hourly(3, (h, weekday) => 2400 + (weekday === 0 || weekday === 6 ? 600 : 1900) * daily(h));
    const conditions = forecastCrossings(fitFromHourly({ series: [series] }, END));
    expect(conditions).toHaveLength(1);
    expect(conditions[0]).toMatchObject({ rule: 'trend_forecast', severity: 'info', metric: 'web_vitals_lcp', threshold: 4000, dimensions: { app: 'shop' } });
    expect(conditions[0]!.title).toBe('web_vitals_lcp p75 on app=shop is forecast to turn poor on Mon, Nov 30');
    expect(conditions[0]!.message).toMatch(/forecast to reach 4,\d{3} ms at \d\d:\d\d UTC on Mon, Nov 30, past the poor line of 4,000 ms/);
  });

  it('says nothing of a series that stays clear of the line, or is already past it', () => {
    const clear = hourly(3, (h) => 2000 + 600 * daily(h));
    const already = hourly(3, (h) => 4200 + 600 * daily(h));
    expect(forecastCrossings(fitFromHourly({ series: [clear, already] }, END))).toEqual([]);
  });

  it('warns when this week is significantly worse than last week at the same hours, with the numbers', () => {
    const worse = hourly(2, (h) => (h >= 168 ? 1.25 : 1) * (1500 + 800 * daily(h)));
    const conditions = weekOverWeek([worse], END);
    expect(conditions).toHaveLength(1);
    expect(conditions[0]).toMatchObject({ rule: 'trend_week_over_week', severity: 'info', metric: 'web_vitals_lcp' });
    expect(conditions[0]!.title).toMatch(/^web_vitals_lcp p75 on app=shop is 2[3-7] % worse than last week$/);
    expect(conditions[0]!.message).toMatch(/averaged 2,\d{3} ms over the last 7 days against 1,\d{3} ms at the same hours a week earlier/);
  });

  it('raises neither kind on a series with no real change', () => {
    const steady = hourly(4, (h) => 1500 + 800 * daily(h));
    expect(weekOverWeek([steady], END)).toEqual([]);
    expect(forecastCrossings(fitFromHourly({ series: [steady] }, END))).toEqual([]);
    // Five per cent worse is noise-sized: under the 10 % bar.
    const slightly = hourly(2, (h) => (h >= 168 ? 1.05 : 1) * (1500 + 800 * daily(h)));
    expect(weekOverWeek([slightly], END)).toEqual([]);
  });
});

describe('scheduled forecasts per endpoint and page', () => {
  it('keeps the busiest endpoints per app (bounded) and forecasts the top ones by volume', () => {
    const partials = [];
    // 60 endpoints, endpoint i with i + 1 requests an hour, for 30 hours.
    for (let hour = 0; hour < 30; hour++) {
      for (let e = 0; e < 60; e++) {
        const partial = emptyPartial('api_request', END - (30 - hour) * HOUR, { app: 'shop', endpoint: `/e${e}`, method: 'GET', status_class: '2xx' });
        for (let k = 0; k <= e; k++) addValue(partial, 100 + e);
        partials.push(partial);
      }
    }
    const kept = foldIntoHours(undefined, partials, END);
    expect(kept.series.filter((s) => s.dimensions.endpoint)).toHaveLength(TRACKED_PER_APP);
    expect(kept.series.some((s) => s.dimensions.endpoint === '/e0')).toBe(false); // the quietest fell out
    const fits = fitFromHourly(kept, END);
    const endpoints = fits
      .filter((f) => f.dimensions.endpoint)
      .map((f) => f.dimensions.endpoint)
      .sort();
    expect(endpoints).toEqual(Array.from({ length: FORECAST_TOP }, (_, i) => `/e${50 + i}`).sort());
    expect(fits.filter((f) => !f.dimensions.endpoint).map((f) => f.key)).toEqual(['api_request|{"app":"shop"}']);
  });
});
