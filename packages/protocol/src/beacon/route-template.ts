const MAX_SEGMENTS = 12;
const MAX_TEMPLATE_LENGTH = 128;

const ID_PATTERNS: readonly RegExp[] = [
  /^\d+$/, // 42
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, // UUID
  /^[0-9a-f]{12,}$/i, // hashes, Mongo ObjectIds
  /^(?=.*\d)[A-Za-z0-9_-]{16,}$/, // opaque tokens with digits (slugs rarely reach 16 chars without dashes)
  /@/, // e-mail addresses are personal data
];

/**
 * Folds a page path or URL into a route template: `/courses/42?ref=mail` becomes `/courses/:id`.
 * Query strings and fragments are dropped (they carry personal data and unbounded values),
 * and any segment that looks like an identifier becomes `:id`, so one route is one series.
 */
export function routeTemplate(pageOrUrl: string): string {
  const path = pathOf(pageOrUrl);
  const segments = path.split('/').filter((segment) => segment.length > 0);
  const folded = segments.slice(0, MAX_SEGMENTS).map(foldSegment);
  if (segments.length > MAX_SEGMENTS) folded.push('*');
  const template = `/${folded.join('/')}`;
  return template.length > MAX_TEMPLATE_LENGTH ? `${template.slice(0, MAX_TEMPLATE_LENGTH - 2)}/*` : template;
}

function pathOf(pageOrUrl: string): string {
  const trimmed = pageOrUrl.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    try {
      return new URL(trimmed).pathname;
    } catch {
      // fall through: treat an unparsable URL as a path
    }
  }
  return trimmed.split(/[?#]/, 1)[0] ?? '';
}

function foldSegment(segment: string): string {
  if (segment.startsWith(':')) return segment.slice(0, 32); // already a template parameter
  if (ID_PATTERNS.some((pattern) => pattern.test(segment))) return ':id';
  return segment.length > 64 ? ':id' : segment;
}
