import middy from '@middy/core';
import { type AnalysisDependencies, type AnalysisResult, runAnalysis } from '../src/app/run-analysis.ts';
import { type Clock, type Logger, type RunLease, systemClock } from '../src/ports.ts';
import { consoleLogger } from './middleware/http-responses.ts';
import { oneRunAtATime, type SkippedRun } from './middleware/one-run-at-a-time.ts';

export type AnalyzeDependencies = Omit<AnalysisDependencies, 'clock' | 'logger'> & {
  clock?: Clock;
  logger?: Logger;
  /** Keeps runs from overlapping on the saved state (on AWS; locally one process runs one at a time). */
  lease?: RunLease;
};
export type AnalyzeResult = AnalysisResult;

/** The scheduled job on EventBridge: one analysis run, one at a time. */
export function createAnalyzeHandler(deps: AnalyzeDependencies) {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? consoleLogger;
  const handler = middy<unknown, AnalyzeResult | SkippedRun>();
  if (deps.lease) handler.use(oneRunAtATime(deps.lease, clock, logger));
  return handler.handler(() => runAnalysis({ ...deps, clock, logger }));
}
