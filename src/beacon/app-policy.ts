import { refuse, type Refusal } from '@vitalstream/protocol';

/**
 * Which apps a deployment accepts beacons for. `undefined` accepts any well-formed app name;
 * a public endpoint should name its apps, so strangers cannot fill the store with apps of
 * their own (each app is a set of series nobody asked for).
 */
export type AllowedApps = ReadonlySet<string> | undefined;

export function readAllowedApps(raw: string | undefined): AllowedApps {
  const names = (raw ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  return names.length > 0 ? new Set(names) : undefined;
}

/** The refusal for an app the deployment does not accept, or undefined when it is accepted. */
export function refuseUnknownApp(app: string, allowed: AllowedApps): Refusal | undefined {
  if (!allowed || allowed.has(app)) return undefined;
  return refuse(403, 'unknown_app',
    `app '${app}' is not accepted by this deployment; its operator lists the accepted apps (VITALSTREAM_APPS locally, -c apps= on AWS)`,
    [{ path: 'app', reason: 'is not one of the accepted apps' }]).refusal;
}
