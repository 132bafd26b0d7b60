// The editor page is served from the app's own privileged scheme, not file://, so it has a real
// origin (for the CSP, ES modules and the sender check) and its images use the same
// `/files/...` URLs as in a browser.

export const APP_SCHEME = 'diffgraph';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** Only our own page may call the host: IPC from any other origin (or a subframe) is refused. */
export function isTrustedSender(frame: { url: string; parent: unknown } | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const url = new URL(frame.url);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Navigation inside the window is limited to the app itself; everything else is refused. */
export function isAllowedNavigation(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/**
 * Browser permissions the page may use: writing to the clipboard (copy as graph JSON) and reading
 * it (paste), for the app page only. Camera, microphone, notifications and the rest are refused.
 */
const PAGE_PERMISSIONS = new Set(['clipboard-sanitized-write', 'clipboard-read']);

export function isPermissionAllowed(permission: string, requestingUrl: string): boolean {
  return PAGE_PERMISSIONS.has(permission) && isAllowedNavigation(requestingUrl);
}
