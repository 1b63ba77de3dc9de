import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoRunLease } from '../../../lambdas/adapters/dynamodb-run-lease.ts';
import { createAnalyzeHandler } from '../../../lambdas/analyze.ts';
import { localContext } from '../../../bench/support/lambda-context.ts';
import { openSqliteStore } from '../../../local/adapters/sqlite-store.ts';
import { fileAlertState } from '../../../local/adapters/alert-state-file.ts';
import { createKeyTable, startDynalite, type Dynalite } from '../../../bench/support/dynalite.ts';
import { tempDir } from '../../../bench/support/temp-dir.ts';

let dynamo: Dynalite;
beforeAll(async () => {
  dynamo = await startDynalite();
  await createKeyTable(dynamo.client, 'state');
});
afterAll(() => dynamo.close());

describe('analysis run lease on DynamoDB (dynalite)', () => {
  it('is held by one run at a time, taken over once expired, and given back by its holder only', async () => {
    const lease = dynamoRunLease(dynamo.client, 'state', 'lease-a');
    expect(await lease.acquire('run-1', 10_000, 1_000)).toBe(true);
    expect(await lease.acquire('run-2', 12_000, 2_000)).toBe(false);
    await lease.release('run-2'); // not the holder: nothing changes
    expect(await lease.acquire('run-3', 13_000, 3_000)).toBe(false);
    expect(await lease.acquire('run-4', 30_000, 11_000)).toBe(true); // run-1 died; its lease expired
    await lease.release('run-4');
    expect(await lease.acquire('run-5', 40_000, 12_000)).toBe(true);
  });

  it('lets the analyze handler run once when two invocations overlap; the other does nothing', async () => {
    const dir = tempDir();
    const store = openSqliteStore(`${dir.path}/m.db`);
    let loads = 0;
    const alertState = fileAlertState(`${dir.path}/state.json`);
    const slowState = {
      load: async () => {
        loads += 1;
        await new Promise((r) => setTimeout(r, 200));
        return alertState.load();
      },
      save: alertState.save,
    };
    const analyze = createAnalyzeHandler({
      store,
      alertState: slowState,
      sink: { deliver: async () => undefined },
      anomalyEveryMs: 0,
      lease: dynamoRunLease(dynamo.client, 'state', 'lease-b'),
    });
    const [first, second] = await Promise.all([analyze({}, localContext('analyze')), analyze({}, localContext('analyze'))]);
    const skipped = [first, second].filter((r) => 'skipped' in r);
    expect(skipped).toHaveLength(1);
    expect(loads).toBe(1);
    // Given back afterwards: the next scheduled run goes ahead.
    expect('skipped' in (await analyze({}, localContext('analyze')))).toBe(false);
    store.close();
    dir.remove();
  });
});
