/** One thing wrong with a request, named so a developer can find and fix it. */
export interface Problem {
  readonly path: string;
  readonly reason: string;
}

/** A refusal the HTTP edge turns into a 4xx with a JSON body. */
export interface Refusal {
  readonly status: 400 | 403 | 413 | 415;
  readonly error: string;
  readonly message: string;
  readonly problems?: readonly Problem[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export const refuse = (status: Refusal['status'], error: string, message: string, problems?: readonly Problem[]): { ok: false; refusal: Refusal } => ({
  ok: false,
  refusal: problems ? { status, error, message, problems } : { status, error, message },
});

/** `metrics[3].tags.page` from ['metrics', 3, 'tags', 'page']. */
export function formatPath(segments: readonly (string | number)[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) path += path ? `.${segment}` : segment;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path || '(body)';
}
