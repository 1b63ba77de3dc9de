import { describe, expect, it } from 'vitest';
import { createAnomalyDetector, DEFAULT_DETECTOR, learnedRange } from '../../../src/analysis/anomaly/detector.ts';
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

describe('anomaly detector (ARTime online)', () => {
  const LEARNING = DEFAULT_DETECTOR.learningPoints;

  it('stays quiet on a normal seasonal series', () => {
    expect(alertsOf(series(7))).toEqual([]);
  });

  it('alerts on a clear incident after the learning period, within a few points of its start', () => {
    const incidentAt = 4 * 288 + 100;
    const alerts = alertsOf(series(7, (i, v) => (i >= incidentAt && i < incidentAt + 12 ? v + 80 : v)));
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect(alerts[0]!.t).toBeGreaterThanOrEqual(T0 + incidentAt * STEP);
    expect(alerts[0]!.t).toBeLessThanOrEqual(T0 + (incidentAt + 12) * STEP);
    expect(alerts[0]!.score).toBeGreaterThanOrEqual(DEFAULT_DETECTOR.threshold);
  });

  it('never alerts while learning, however wild the data', () => {
    const alerts = alertsOf(series(3, (i, v) => (i % 97 === 0 ? v * 50 : v)));
    expect(alerts.every((a) => a.t >= T0 + (LEARNING - 1) * STEP)).toBe(true);
  });

  it('judges each point only from the points before it (appending the future changes nothing)', () => {
    const points = series(4);
    const a = createAnomalyDetector();
    const b = createAnomalyDetector();
    const first = points.slice(0, 900).map((p) => a.update(p.t, p.v).score);
    const second = points.map((p) => b.update(p.t, p.v).score).slice(0, 900);
    expect(second).toEqual(first);
  });

  it('holds values inside the range it learned: a spike far past it scores as one at its edge', () => {
    const spikeAt = LEARNING + 300;
    const judge = (spike: number) => {
      const detector = createAnomalyDetector();
      return series(5, (i, v) => (i === spikeAt ? spike : v)).map((p) => detector.update(p.t, p.v).score);
    };
    const range = learnedRange(
      series(5)
        .slice(0, LEARNING)
        .map((p) => Math.fround(p.v)),
      DEFAULT_DETECTOR.rangeMargin,
    );
    expect(judge(1e9)).toEqual(judge(range[1]));
  });

  it('gives a flat learning period a range of its own size, so a later change still shows', () => {
    expect(learnedRange([5, 5, 5], 1)).toEqual([0, 10]);
    expect(learnedRange([0, 0], 1)).toEqual([-1, 1]);
    const detector = createAnomalyDetector();
    const scores = Array.from({ length: 2000 }, (_, i) => detector.update(T0 + i * STEP, i < 1500 ? 5 : 9).score);
    expect(Math.max(...scores.slice(1500))).toBeGreaterThanOrEqual(DEFAULT_DETECTOR.threshold);
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
