/** The browser families a dashboard can split by; anything else is `other`. */
export type BrowserFamily = 'Chrome' | 'Safari' | 'Firefox' | 'Edge' | 'Samsung Internet' | 'other';

/**
 * A coarse browser family from a User-Agent header, or undefined when the sender is no browser
 * (a server SDK's fetch says `node`). The header itself is never stored: the family is the one
 * thing kept, and it has six values. Order matters: Edge and Samsung Internet also say Chrome,
 * and Chrome also says Safari.
 */
export function browserFamily(userAgent: string | undefined): BrowserFamily | undefined {
  if (!userAgent?.startsWith('Mozilla/')) return undefined;
  if (/\bEdg(e|A|iOS)?\//.test(userAgent)) return 'Edge';
  if (/\bSamsungBrowser\//.test(userAgent)) return 'Samsung Internet';
  if (/\b(Firefox|FxiOS)\//.test(userAgent)) return 'Firefox';
  if (/\b(OPR|Opera)\//.test(userAgent)) return 'other';
  if (/\b(Chrome|CriOS|HeadlessChrome|Chromium)\//.test(userAgent)) return 'Chrome';
  if (/\bVersion\/[\d.]+.*\bSafari\//.test(userAgent)) return 'Safari';
  return 'other';
}
