import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoAlertState } from '../../../lambdas/adapters/dynamodb-alert-state.ts';
import { emptyAlertState } from '../../../src/alerts/lifecycle.ts';

const dynamo = mockClient(DynamoDBClient);
beforeEach(() => dynamo.reset());

describe('dynamoAlertState', () => {
  it('starts empty, then round-trips the lifecycle as one consistent-read item', async () => {
    const store = dynamoAlertState(new DynamoDBClient({}), 'alert-state');
    dynamo.on(GetItemCommand).resolvesOnce({});
    expect(await store.load()).toEqual(emptyAlertState());
    const state = { open: {}, resolvedAt: { 'web_vital_poor|web_vitals_lcp|{}': 123 } };
    dynamo.on(PutItemCommand).resolves({});
    await store.save(state);
    const put = dynamo.commandCalls(PutItemCommand)[0]!.args[0].input;
    expect(put.TableName).toBe('alert-state');
    expect(put.Item!.pk).toEqual({ S: 'alert-state' });
    dynamo.on(GetItemCommand).resolves({ Item: put.Item });
    expect(await store.load()).toEqual(state);
    expect(dynamo.commandCalls(GetItemCommand).every((c) => c.args[0].input.ConsistentRead === true)).toBe(true);
  });

  it('surfaces a failure instead of pretending the state was saved', async () => {
    dynamo.on(PutItemCommand).rejects(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(dynamoAlertState(new DynamoDBClient({}), 't').save(emptyAlertState())).rejects.toThrow(/throttled/);
  });
});
