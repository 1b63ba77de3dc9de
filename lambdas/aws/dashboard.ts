import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDashboardHandler } from '../dashboard.ts';

// The construct copies the manifest's files next to the bundle, under their repository paths.
const root = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const cache = new Map<string, Buffer>();

export const handler = createDashboardHandler({
  async read(path) {
    let body = cache.get(path);
    if (!body) cache.set(path, (body = await readFile(join(root, path))));
    return body;
  },
});
