import { APP_NAME, refuse, type Refusal } from '@vitalstream/protocol';

/**
 * Which apps a deployment accepts beacons for. `undefined` accepts any well-formed app name;
 * a public endpoint should name its apps, so strangers cannot fill the store with apps of
 * their own (each app is a set of series nobody asked for).
 */
export type AllowedApps = ReadonlySet<string> | undefined;

/** The accepted apps from a comma-separated list; a name no beacon could carry is refused, since it would never match. */
export function readAllowedApps(raw: string | undefined, setting = 'VITALSTREAM_APPS'): AllowedApps {
  const names = (raw ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const impossible = names.filter((name) => !APP_NAME.test(name));
  if (impossible.length > 0) {
    throw new Error(
      `${setting}: ${impossible.map((n) => `'${n.slice(0, 80)}'`).join(', ')} can never match a beacon's app (lower-case letters, digits, '.', '_' and '-', at most 64, starting with a letter or digit)`,
    );
  }
  return names.length > 0 ? new Set(names) : undefined;
}

/** The refusal for an app the deployment does not accept, or undefined when it is accepted. */
export function refuseUnknownApp(app: string, allowed: AllowedApps): Refusal | undefined {
  if (!allowed || allowed.has(app)) return undefined;
  return refuse(
    403,
    'unknown_app',
    `app '${app}' is not accepted by this deployment; its operator lists the accepted apps (VITALSTREAM_APPS locally, -c apps= on AWS)`,
    [{ path: 'app', reason: 'is not one of the accepted apps' }],
  ).refusal;
}
