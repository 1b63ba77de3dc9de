export { instrumentFetch, DEFAULT_SLA_TARGETS, type ExternalApiOptions } from './external-api.ts';
