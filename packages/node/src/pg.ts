export { instrumentPg, trackPgPool } from './db/pg.ts';
export type { QueryOptions } from './db/record-query.ts';
