import type { CsvPoint } from '../series-csv.ts';
import { createAnomalyDetector, DEFAULT_DETECTOR, type DetectorConfig } from './detector.ts';

/** Replays a series point by point through the production detector and returns the alerts it raised. */
export function replayAlerts(points: readonly CsvPoint[], config: DetectorConfig = DEFAULT_DETECTOR): { timestamp: string; score: number }[] {
  const detector = createAnomalyDetector(config);
  const alerts: { timestamp: string; score: number }[] = [];
  for (const point of points) {
    const judgement = detector.update(point.time, point.value);
    if (judgement.alert) alerts.push({ timestamp: point.raw, score: Number(judgement.score.toFixed(4)) });
  }
  return alerts;
}
