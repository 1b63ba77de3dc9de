import type { Signal } from '../types.ts';
import { observe } from './observe.ts';
import { resourceType } from './selector.ts';

/** Per page, at most this many resources are reported: enough to see what is slow, bounded in bytes. */
const MAX_RESOURCES = 150;

export const resources: Signal = {
  name: 'resources',
  start(report, context) {
    let count = 0;
    observe(
      'resource',
      (entries) => {
        for (const entry of entries as PerformanceResourceTiming[]) {
          if (count >= MAX_RESOURCES || context.isOwnRequest(entry.name)) continue;
          count += 1;
          const type = resourceType(entry.name, entry.initiatorType);
          const cached = String(entry.transferSize === 0 && entry.decodedBodySize > 0);
          report({ name: 'resource_timing', value: entry.duration, unit: 'ms', tags: { resource_type: type, initiator_type: entry.initiatorType, cached } });
          report({ name: 'resource_transfer_size', value: entry.transferSize, unit: 'bytes', tags: { resource_type: type, cached } });
        }
      },
      context.stop,
    );
  },
};
