import CircuitBreaker from 'opossum';
import type { Monitor } from './monitor.ts';

export type BreakerState = 'open' | 'half_open' | 'closed';

/**
 * An opossum circuit breaker for one external service whose state changes are reported as
 * circuit_breaker_transition (the analysis job alerts on them: open is critical, half-open a
 * warning, closed informational). Defaults: open at 50 % errors over 5+ calls, try again after 60 s.
 */
export function circuitBreaker<A extends unknown[], R>(
  monitor: Monitor,
  service: string,
  action: (...args: A) => Promise<R>,
  options: CircuitBreaker.Options & { onTransition?: (state: BreakerState) => void } = {},
): CircuitBreaker<A, R> {
  const { onTransition, ...breakerOptions } = options;
  const breaker = new CircuitBreaker<A, R>(action, {
    timeout: 10_000,
    errorThresholdPercentage: 50,
    volumeThreshold: 5,
    resetTimeout: 60_000,
    name: service,
    ...breakerOptions,
  });
  const report = (state: BreakerState) => {
    monitor.record({ name: 'circuit_breaker_transition', value: 1, unit: 'count', source: 'server', tags: { service, state } });
    onTransition?.(state);
  };
  breaker.on('open', () => report('open'));
  breaker.on('halfOpen', () => report('half_open'));
  breaker.on('close', () => report('closed'));
  return breaker;
}
