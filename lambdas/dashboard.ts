import middy from '@middy/core';
import type { Logger } from '../src/ports.ts';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { DASHBOARD_FILES } from '../dashboard/manifest.ts';
import { consoleLogger, dashboardFileHeaders, jsonResponse, unexpectedErrorsAsJson } from './middleware/http-responses.ts';

export interface DashboardDependencies {
  /** Reads a file by its path from the repository root (in the bundle, copied there at synth). */
  read(path: string): Promise<Buffer>;
  logger?: Logger;
}

/**
 * GET / and /dashboard/*: the dashboard's page, scripts and styles, from the same origin as the
 * protected query API it reads with the user's token. The page itself holds no data and no secret,
 * so it is public; only the files in the manifest are served, whatever the path asks for.
 */
export function createDashboardHandler(deps: DashboardDependencies) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(unexpectedErrorsAsJson(deps.logger ?? consoleLogger))
    .handler(async (event) => {
      const method = event.requestContext?.http?.method ?? 'GET';
      const file = Object.hasOwn(DASHBOARD_FILES, event.rawPath) ? DASHBOARD_FILES[event.rawPath] : undefined;
      if (!file) return jsonResponse(404, { error: 'not_found', message: `no dashboard file ${event.rawPath.slice(0, 200)}; the dashboard is at /` });
      if (method !== 'GET' && method !== 'HEAD')
        return jsonResponse(405, { error: 'method_not_allowed', message: 'the dashboard answers GET only' }, { allow: 'GET, HEAD' });
      const body = await deps.read(file.path);
      return {
        statusCode: 200,
        headers: dashboardFileHeaders(file.type),
        body: method === 'HEAD' ? '' : body.toString('utf8'),
      };
    });
}
