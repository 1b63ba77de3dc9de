/** How long a fingerprint may be: enough to tell errors apart, too short to carry a payload. */
export const MAX_FINGERPRINT_LENGTH = 96;

/**
 * What identifies an error without identifying a user: its message with URLs, quoted strings,
 * e-mail addresses, ids and numbers taken out, white space folded, and cut to 96 characters.
 * `Cannot read properties of undefined (reading 'total')` keeps its shape; the property name,
 * which may be data, goes. Run in the browser SDK and again by the ingest, whoever sent the tag.
 */
export function errorFingerprint(message: string): string {
  return (
    message
      .replace(/[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')
      .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '<str>')
      .replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, '<email>')
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
      .replace(/\b(?=[0-9a-z]*\d)[0-9a-z]{8,}\b/gi, '<id>')
      .replace(/-?\b\d+(\.\d+)?\b/g, '<n>')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, MAX_FINGERPRINT_LENGTH) || '(empty message)'
  );
}

/** An error's type as a dimension: a constructor name (TypeError), else `Error`; never free text. */
export const errorType = (name: unknown): string => (typeof name === 'string' && /^[A-Za-z_$][\w$]{0,39}$/.test(name) ? name : 'Error');
