import { describe, expect, it } from 'vitest';
import { createAnomalyDetector, DEFAULT_DETECTOR } from '../../../src/analysis/anomaly/detector.ts';
import { seededRandom } from '../../../src/analysis/anomaly/random.ts';
import { parseSeriesCsv } from '../../../src/analysis/series-csv.ts';

const STEP = 5 * 60_000;
const T0 = Date.UTC(2026, 10, 1);

/** A week of 5-minute points with a daily cycle and noise, plus optional disturbances. */
function series(days: number, disturb: (i: number, v: number) => number = (_, v) => v) {
  const random = seededRandom(3);
  return Array.from({ length: (days * 86_400_000) / STEP }, (_, i) => {
    const daily = 50 + 20 * Math.sin((2 * Math.PI * i * STEP) / 86_400_000);
    return { t: T0 + i * STEP, v: disturb(i, daily + (random() - 0.5) * 4) };
  });
}

const alertsOf = (points: { t: number; v: number }[]) => {
  const detector = createAnomalyDetector(DEFAULT_DETECTOR);
  return points.map((p) => ({ ...p, ...detector.update(p.t, p.v) })).filter((p) => p.alert);
};

describe('anomaly detector', () => {
  it('stays quiet on a normal seasonal series', () => {
    expect(alertsOf(series(7))).toEqual([]);
  });

  it('raises one alert for a clear incident after the learning period, then cools down', () => {
    const incidentAt = 4 * 288 + 100;
    const alerts = alertsOf(series(7, (i, v) => (i >= incidentAt && i < incidentAt + 12 ? v + 80 : v)));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.t).toBeGreaterThanOrEqual(T0 + incidentAt * STEP);
    expect(alerts[0]!.t).toBeLessThanOrEqual(T0 + (incidentAt + 3) * STEP);
    expect(alerts[0]!.score).toBeGreaterThanOrEqual(0.85);
  });

  /** Four weeks of 15-minute points: a daily cycle on weekdays, quieter weekends, noise. */
  function weeks(disturb: (i: number, v: number, daily: number) => number = (_, v) => v) {
    const step = 15 * 60_000;
    const random = seededRandom(8);
    return Array.from({ length: (28 * 86_400_000) / step }, (_, i) => {
      const t = T0 + i * step;
      const weekend = [0, 6].includes(new Date(t).getUTCDay());
      const daily = Math.max(0, Math.sin((2 * Math.PI * (((t / 3_600_000) % 24) - 6)) / 24));
      return { t, v: disturb(i, (weekend ? 30 + 10 * daily : 40 + 60 * daily) * (1 + 0.1 * (random() - 0.5)), daily) };
    });
  }

  /** Every point judged in turn, and the points after the first week that alerted. */
  function judgeWeeks(points: { t: number; v: number }[]) {
    const detector = createAnomalyDetector(DEFAULT_DETECTOR);
    const judged = points.map((p) => detector.update(p.t, p.v));
    return { judged, alerts: judged.map((j, i) => (j.alert && i >= 8 * 96 ? i : -1)).filter((i) => i >= 0) };
  }

  it('knows weekly habits: quieter weekends raise nothing once a week is kept', () => {
    const alerts = alertsOf(weeks());
    expect(alerts.filter((a) => a.t >= T0 + 8 * 86_400_000)).toEqual([]);
  });

  it('still sees a day-long slump after its first hours, when the recent-window views have taken it as normal', () => {
    // From 06:00 on day 17 (a Wednesday) the level slides to 40 % over two hours and stays there until midnight.
    const start = 17 * 96 + 24;
    const { judged, alerts } = judgeWeeks(weeks((i, v) => (i < start || i >= start + 72 ? v : v * (1 - 0.6 * Math.min(1, (i - start) / 8)))));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toBeGreaterThanOrEqual(start);
    expect(alerts[0]).toBeLessThan(start + 16);
    // Eight hours in, the same-slot view against the last hours has faded; the departure from the usual size has not.
    const eightHoursIn = judged[start + 32]!.reasons!;
    expect(Math.abs(eightHoursIn.seasonal!)).toBeLessThan(2);
    expect(eightHoursIn.departure!).toBeLessThan(-10);
  });

  it('sees a daily peak that never comes, though the recent level, all night, has no peak in it', () => {
    // From 06:00 on day 17 (a Wednesday) the series stays at its night level until midnight: the
    // point-by-point views see a flat night going on, only the same-time views see the missing day.
    const start = 17 * 96 + 24;
    const { judged, alerts } = judgeWeeks(weeks((i, v, daily) => (i < start || i >= start + 72 ? v : (v * 40) / (40 + 60 * daily))));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toBeGreaterThanOrEqual(start);
    expect(alerts[0]).toBeLessThan(start + 24);
    const { local, departure } = judged[alerts[0]!]!.reasons!;
    expect(Math.abs(local)).toBeLessThan(DEFAULT_DETECTOR.localGate);
    expect(departure!).toBeLessThan(-DEFAULT_DETECTOR.zStart);
  });

  it('does not echo a spike into the same time the next day, when one previous day is all it has', () => {
    // A spike at 19:12 on the first day; at 19:12 on the second, a same-slot view against that day
    // alone would read the normal value as a dip as deep as the spike was high.
    const spikeAt = 230;
    const judged = ((detector) => series(3, (i, v) => (i === spikeAt ? v + 1000 : v)).map((p) => detector.update(p.t, p.v)))(
      createAnomalyDetector(DEFAULT_DETECTOR),
    );
    expect(Math.abs(judged[spikeAt]!.reasons!.local)).toBeGreaterThan(50);
    const nextDay = judged[spikeAt + 288]!.reasons!;
    expect(Math.abs(nextDay.seasonal ?? 0)).toBeLessThan(DEFAULT_DETECTOR.localGate);
    expect(judged.slice(2 * 288).some((j) => j.reasons?.seasonal !== undefined)).toBe(true);
  });

  it('sees a slow slide out of the range the series held all week, which no recent-window view finds news', () => {
    // Five days of noise around 100 that wanders hour to hour, then a steady fall of about 1 an
    // hour (a machine cooling down): each step looks like noise, and the recent-window views take
    // the slope as the new normal, yet within hours the level is where the week never was.
    const random = seededRandom(11);
    const start = 5 * 288;
    let wander = 0;
    const points = Array.from({ length: 8 * 288 }, (_, i) => {
      wander = 0.98 * wander + (random() - 0.5);
      return { t: T0 + i * STEP, v: 100 + wander + (random() - 0.5) * 2 - (i >= start ? 0.08 * (i - start) : 0) };
    });
    const detector = createAnomalyDetector(DEFAULT_DETECTOR);
    const judged = points.map((p) => detector.update(p.t, p.v));
    const alerts = judged.map((j, i) => (j.alert ? i : -1)).filter((i) => i >= 0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toBeGreaterThan(start);
    expect(alerts[0]).toBeLessThan(start + 288);
    // Only the record view is over the lowest possible bar: without it this point could not alert.
    const { record, local, shift, seasonal, change } = judged[alerts[0]!]!.reasons!;
    expect(record!).toBeLessThan(-DEFAULT_DETECTOR.zStart);
    for (const other of [local, shift, seasonal!, change]) expect(Math.abs(other)).toBeLessThan(DEFAULT_DETECTOR.zStart);
  });

  it('takes steady growth in its first week as normal, while days are still being added to the same-slot view', () => {
    // Growth of 1.44 a day on a level of 50, with small noise: each added previous day would move a same-slot
    // median by a day's growth, a step the seasonal views used to call an anomaly on days 4 and 6.
    const random = seededRandom(4);
    const points = Array.from({ length: 10 * 288 }, (_, i) => ({ t: T0 + i * STEP, v: 50 + 0.005 * i + 0.1 * (random() - 0.5) * 3.46 }));
    expect(alertsOf(points)).toEqual([]);
  });

  it('never alerts during the 24 h learning period, however wild the data', () => {
    const alerts = alertsOf(series(2, (i, v) => (i === 200 ? v * 50 : v)));
    expect(alerts.every((a) => a.t - T0 >= 24 * 3600_000)).toBe(true);
    expect(alerts.some((a) => a.t === T0 + 200 * STEP)).toBe(false);
  });

  it('judges each point only from the points before it (appending the future changes nothing)', () => {
    const points = series(3);
    const prefix = points.slice(0, 600);
    const a = createAnomalyDetector();
    const b = createAnomalyDetector();
    const first = prefix.map((p) => a.update(p.t, p.v).score);
    const second = points.map((p) => b.update(p.t, p.v).score).slice(0, 600);
    expect(second).toEqual(first);
  });
});

describe('series CSV', () => {
  it('reads NAB timestamps as UTC and keeps the raw text', () => {
    expect(parseSeriesCsv('timestamp,value\n2014-07-01 00:00:00,10844\n2014-07-01 00:30:00,8127.5\n')).toEqual([
      { raw: '2014-07-01 00:00:00', time: Date.UTC(2014, 6, 1), value: 10844 },
      { raw: '2014-07-01 00:30:00', time: Date.UTC(2014, 6, 1, 0, 30), value: 8127.5 },
    ]);
  });

  it('names the problem in a bad file', () => {
    expect(() => parseSeriesCsv('time,val\n1,2')).toThrow(/expected a "timestamp,value" header/);
    expect(() => parseSeriesCsv('timestamp,value\n2014-07-01 00:00:00,abc')).toThrow(/line 2: value 'abc' is not a number/);
    expect(() => parseSeriesCsv('timestamp,value\nyesterday,1')).toThrow(/line 2: timestamp 'yesterday' is not a date/);
  });

  it('refuses repeated and backward timestamps at the first bad line, unless asked to keep file order', () => {
    const repeated = 'timestamp,value\n2014-07-01 00:00:00,1\n\n2014-07-01 00:05:00,2\n2014-07-01 00:05:00,3\n';
    expect(() => parseSeriesCsv(repeated)).toThrow(
      /^line 5: timestamp '2014-07-01 00:05:00' repeats the previous line's '2014-07-01 00:05:00'; sort the file and drop repeated rows, or pass --file-order/,
    );
    const backward = 'timestamp,value\n2014-07-01 00:10:00,1\n2014-07-01 00:05:00,2\n';
    expect(() => parseSeriesCsv(backward)).toThrow(/^line 3: timestamp '2014-07-01 00:05:00' comes before the previous line's '2014-07-01 00:10:00'/);
    expect(parseSeriesCsv(backward, { order: 'file' }).map((p) => p.value)).toEqual([1, 2]);
  });
});
