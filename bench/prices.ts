/**
 * us-east-1 list prices used by `npm run cost`, as published by AWS (checked 2026-12-01). They change:
 * check https://aws.amazon.com/pricing before quoting a bill.
 */
export const PRICES = {
  httpApiPerMillionRequests: 1.0,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  kinesisOnDemandStreamHour: 0.04,
  kinesisOnDemandPerGbIn: 0.08, // each record rounded up to 1 KiB
  kinesisOnDemandPerGbOut: 0.04,
  kinesisShardHour: 0.015,
  kinesisPerMillionPutUnits: 0.014, // provisioned: each record is one 25 KB payload unit or more
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  dynamodbStoragePerGbMonth: 0.25,
  dynamodbPitrPerGbMonth: 0.2,
  timestreamPerMillionWriteKiB: 0.5,
  timestreamMemoryPerGbHour: 0.036,
  timestreamMagneticPerGbMonth: 0.03,
  timestreamPerTcuHour: 0.5, // queries: at least 4 TCUs, each billed for at least 30 s
  snsPerMillionPublishes: 0.5,
  snsPerHundredThousandEmails: 2.0,
  cloudwatchAlarmMonth: 0.1,
  cloudwatchDashboardMonth: 3.0,
  cloudwatchLogsPerGbIngested: 0.5,
  secretsManagerSecretMonth: 0.4,
  kmsKeyMonth: 1.0,
  cloudwatchRumPerHundredThousandEvents: 1.0,
} as const;

export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
