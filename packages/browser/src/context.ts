import type { BeaconContext } from '@vitalstream/protocol';
const BOT = /bot|crawl|spider|slurp|headless|lighthouse|pagespeed|prerender/i;

export const isBot = (): boolean => navigator.webdriver === true || BOT.test(navigator.userAgent);

/** mobile | tablet | desktop | bot: coarse on purpose, it becomes a stored dimension. */
export function deviceClass(): NonNullable<BeaconContext['device']> {
  if (isBot()) return 'bot';
  const ua = navigator.userAgent;
  if (/iPad|Tablet|PlayBook|Silk/i.test(ua) || (/Android/i.test(ua) && !/Mobi/i.test(ua))) return 'tablet';
  const hints = (navigator as Navigator & { userAgentData?: { mobile?: boolean } }).userAgentData;
  return hints?.mobile || /Mobi|iPhone|iPod/i.test(ua) ? 'mobile' : 'desktop';
}

export function connectionType(): string | undefined {
  return (navigator as Navigator & { connection?: { effectiveType?: string } }).connection?.effectiveType;
}

/** A random id per tab session, to spread load on the stream; never stored server-side. */
export function sessionId(): string {
  const key = 'vitalstream.sid';
  try {
    let id = sessionStorage.getItem(key);
    if (!id) sessionStorage.setItem(key, (id = Math.random().toString(36).slice(2)));
    return id;
  } catch {
    return Math.random().toString(36).slice(2);
  }
}

/** Sampling is per session so a sampled visitor's pages are all measured. */
export function sampled(rate: number): boolean {
  const key = 'vitalstream.sampled';
  try {
    const kept = sessionStorage.getItem(key);
    if (kept !== null) return kept === '1';
    const decision = Math.random() < rate;
    sessionStorage.setItem(key, decision ? '1' : '0');
    return decision;
  } catch {
    return Math.random() < rate;
  }
}
