import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackCache } from '../../../packages/node/src/cache.ts';
import { instrumentMysql2, trackMysql2Pool } from '../../../packages/node/src/db/mysql2.ts';
import { instrumentRedis } from '../../../packages/node/src/redis.ts';
import { instrumentPg, trackPgPool } from '../../../packages/node/src/db/pg.ts';
import { createMonitor } from '../../../packages/node/src/monitor.ts';
import { startTestPipeline, type TestPipeline } from '../../helpers/pipeline.ts';

let pipeline: TestPipeline;
beforeAll(async () => (pipeline = await startTestPipeline()));
afterAll(() => pipeline.close());

const groups = async (metric: string, app: string, groupBy: string, extra: Record<string, string> = {}) =>
  Object.fromEntries(
    (await pipeline.aggregates(metric, { app, group_by: groupBy, ...extra })).series.map((s) => [
      s.dimensions[groupBy],
      s.points.reduce((n, p) => n + p.count, 0),
    ]),
  );

describe('PostgreSQL (pg) at 127.0.0.1:5432', () => {
  it('reports every Pool and Client query, promise or callback, with fingerprint, type, table and errors', async () => {
    const monitor = createMonitor({ app: 'pg-app', endpoint: pipeline.beaconUrl });
    // A slow line well clear of what a fast query takes on a loaded two-core machine (the first one also connects).
    const undo = instrumentPg(monitor, pg, { slowMs: 500 });
    const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', max: 2 });
    const stopGauges = trackPgPool(monitor, pool, 'main', 50);
    await pool.query('CREATE TEMP TABLE IF NOT EXISTS vs_items (id int, name text)');
    const client = await pool.connect();
    await client.query('CREATE TEMP TABLE vs_orders (id int primary key, total numeric)');
    await client.query('INSERT INTO vs_orders (id, total) VALUES ($1, $2), ($3, $4)', [1, 9.5, 2, 12]);
    await client.query({ text: "SELECT * FROM vs_orders WHERE id = 1 AND total > 5.5 AND note = 'x'".replace(" AND note = 'x'", '') });
    await new Promise<void>((resolve) =>
      client.query('SELECT id FROM vs_orders WHERE id IN (1, 2, 3)', (error) => {
        expect(error).toBeNull();
        resolve();
      }),
    );
    const failure = await client.query('SELECT * FROM vs_missing_table').catch((e: { code: string }) => e.code);
    expect(failure).toBe('42P01');
    await client.query('SELECT pg_sleep(0.6)');
    client.release();
    await new Promise((r) => setTimeout(r, 120));
    stopGauges();
    await pool.end();
    undo();
    await monitor.shutdown();

    const byFingerprint = await groups('database_query', 'pg-app', 'fingerprint');
    expect(byFingerprint).toMatchObject({
      'INSERT INTO vs_orders (id, total) VALUES (?)': 1,
      'SELECT * FROM vs_orders WHERE id = ? AND total > ?': 1,
      'SELECT id FROM vs_orders WHERE id IN (?)': 1,
      'SELECT * FROM vs_missing_table': 1,
    });
    expect(JSON.stringify(byFingerprint)).not.toMatch(/9\.5|12|'x'/);
    expect(await groups('database_query', 'pg-app', 'error_code')).toEqual({ '42P01': 1 });
    expect(await groups('database_query', 'pg-app', 'table', { query_type: 'INSERT' })).toEqual({ vs_orders: 1 });
    expect(await groups('database_query', 'pg-app', 'slow')).toEqual({ slow: 1 });
    expect(await groups('database_query', 'pg-app', 'fingerprint', { slow: 'slow' })).toEqual({ 'SELECT pg_sleep(?)': 1 });
    const total = await pipeline.aggregates('connection_pool_total', { app: 'pg-app', pool: 'main' });
    expect(total.series[0]!.points[0]!.max).toBeGreaterThanOrEqual(1);
    expect((await pipeline.aggregates('connection_pool_waiting', { app: 'pg-app' })).series[0]!.points.length).toBeGreaterThan(0);
    expect((await pipeline.aggregates('connection_pool_max', { app: 'pg-app', pool: 'main' })).series[0]!.points[0]!.max).toBe(2);
  });
});

describe('MariaDB (mysql2) at 127.0.0.1:3306', () => {
  it('reports queries from the promise pool and the callback API', async () => {
    const monitor = createMonitor({ app: 'mysql-app', endpoint: pipeline.beaconUrl });
    const connectionClass = (mysql as unknown as { Connection: { prototype: Record<string, unknown> } }).Connection;
    const query = connectionClass.prototype.query;
    const undo = instrumentMysql2(monitor, mysql);
    // This mysql2 publishes its queries on TracingChannels: nothing of it is patched.
    expect(connectionClass.prototype.query).toBe(query);
    const pool = mysqlPromise.createPool({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test', connectionLimit: 2 });
    const stopGauges = trackMysql2Pool(monitor, pool, 'main', 50);
    await pool.query('CREATE TEMPORARY TABLE IF NOT EXISTS vs_users (id INT PRIMARY KEY, email VARCHAR(64))');
    const connection = await pool.getConnection();
    await connection.query('CREATE TEMPORARY TABLE vs_users2 (id INT PRIMARY KEY, email VARCHAR(64))');
    await connection.execute('INSERT INTO vs_users2 (id, email) VALUES (?, ?)', [1, 'jane@example.com']);
    await connection.query("SELECT * FROM vs_users2 WHERE email = 'jane@example.com'");
    const failure = await connection.query('SELECT * FROM vs_nope').catch((e: { code: string }) => e.code);
    expect(failure).toBe('ER_NO_SUCH_TABLE');
    connection.release();
    const callbackConnection = mysql.createConnection({ host: '127.0.0.1', user: 'root', password: '', database: 'test' });
    await new Promise<void>((resolve, reject) => callbackConnection.query('SELECT 1 + 1 AS two', (error) => (error ? reject(error) : resolve())));
    callbackConnection.end();
    await new Promise((r) => setTimeout(r, 120));
    stopGauges();
    await pool.end();
    undo();
    await monitor.shutdown();

    const byFingerprint = await groups('database_query', 'mysql-app', 'fingerprint');
    expect(byFingerprint).toMatchObject({
      'INSERT INTO vs_users2 (id, email) VALUES (?)': 1,
      'SELECT * FROM vs_users2 WHERE email = ?': 1,
      'SELECT ? + ? AS two': 1,
    });
    expect(JSON.stringify(byFingerprint)).not.toContain('jane');
    expect(await groups('database_query', 'mysql-app', 'error_code')).toEqual({ ER_NO_SUCH_TABLE: 1 });
    expect((await pipeline.aggregates('connection_pool_total', { app: 'mysql-app' })).series[0]!.points[0]!.max).toBeGreaterThanOrEqual(1);
    expect((await pipeline.aggregates('connection_pool_max', { app: 'mysql-app' })).series[0]!.points[0]!.max).toBe(2);
  });
});

describe('Redis cache hit rate at 127.0.0.1:6379', () => {
  it('reports hits over lookups per key prefix', async () => {
    const monitor = createMonitor({ app: 'cache-app', endpoint: pipeline.beaconUrl });
    const redis = createClient({ url: 'redis://127.0.0.1:6379' });
    await redis.connect();
    const prefix = `vs${Date.now()}`;
    await redis.set(`${prefix}:user:1`, 'jane');
    const cache = trackCache(monitor, 'redis', 60_000);
    const get = cache.wrap((key: string) => redis.get(key));
    await get(`${prefix}:user:1`);
    await get(`${prefix}:user:2`);
    await get(`${prefix}:user:1`);
    await get(`${prefix}:user:3`);
    cache.stop();
    await redis.del(`${prefix}:user:1`);
    await redis.quit();
    await monitor.shutdown();
    const rate = await pipeline.aggregates('cache_hit_rate', { app: 'cache-app', key_prefix: prefix });
    expect(rate.series[0]!.points[0]!.avg).toBe(0.5);
  });

  it("reads hits and misses, and each command's time, from node-redis's own channels, with the app's calls unchanged", async () => {
    const monitor = createMonitor({ app: 'redis-channel-app', endpoint: pipeline.beaconUrl });
    const redis = createClient({ url: 'redis://127.0.0.1:6379' });
    await redis.connect();
    const prefix = `vc${Date.now()}`;
    const stop = instrumentRedis(monitor, { intervalMs: 60_000 });
    await redis.set(`${prefix}:user:1`, 'jane');
    await redis.get(`${prefix}:user:1`);
    await redis.get(`${prefix}:user:2`);
    await redis.get(`${prefix}:user:3`);
    await redis.get(`${prefix}:user:1`);
    await redis.hGet(`${prefix}:profile`, 'name');
    // Redis refuses to increment a string: the command's promise rejects.
    await expect(redis.incr(`${prefix}:user:1`)).rejects.toThrow(/not an integer/);
    stop();
    await redis.del(`${prefix}:user:1`);
    await redis.quit();
    await monitor.shutdown();
    const rate = await pipeline.aggregates('cache_hit_rate', { app: 'redis-channel-app', key_prefix: prefix });
    // Two hits of four lookups: the SET is no lookup, and node-redis publishes no key for HGET.
    expect(rate.series[0]!.points[0]!.avg).toBe(0.5);
    // Each command timed from node-redis's TracingChannel, by name and outcome; the DEL after stop() is not.
    const commands = await pipeline.aggregates('cache_command', { app: 'redis-channel-app', group_by: 'command' });
    const counts = Object.fromEntries(commands.series.map((s) => [s.dimensions.command, s.points.reduce((n, p) => n + p.count, 0)]));
    expect(counts).toMatchObject({ SET: 1, GET: 4, HGET: 1, INCR: 1 });
    expect(counts.DEL).toBeUndefined();
    const failed = await pipeline.aggregates('cache_command', { app: 'redis-channel-app', status: 'error', group_by: 'command' });
    expect(failed.series.map((s) => s.dimensions.command)).toEqual(['INCR']);
    for (const s of commands.series) for (const p of s.points) expect(p.min).toBeGreaterThan(0);
  });
});
