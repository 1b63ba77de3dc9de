export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One alert notification: a condition that started (`firing`) or ended (`resolved`). */
export interface Alert {
  /** Identifies the condition (rule + series), so an open alert is not raised twice. */
  readonly key: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly state: 'firing' | 'resolved';
  readonly title: string;
  readonly message: string;
  readonly at: number;
  readonly app?: string;
  readonly metric?: string;
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly value?: number;
  readonly threshold?: number;
  readonly link?: string;
  /** Start and length of the window the condition was seen in, where known (anomalies). */
  readonly windowStart?: number;
  readonly windowMs?: number;
}

/** SNS on AWS; a local alert log (and optional webhook) on one machine. */
export interface AlertSink {
  deliver(alert: Alert): Promise<void>;
}
