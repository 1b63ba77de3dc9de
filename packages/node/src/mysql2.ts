export { instrumentMysql2, trackMysql2Pool } from './db/mysql2.ts';
export type { QueryOptions } from './db/record-query.ts';
