// The editor's entry to the host: the Electron bridge when the preload exposed one, otherwise the
// HTTP server that served the page. Browser-safe.
import type { HostApi } from './api.ts';
import { electronBridge } from './bridge.ts';
import { createHttpHostApi } from './http-client.ts';
import { createIpcHostApi } from './ipc-client.ts';

const TOKEN_KEY = 'diffgraph.token';

/**
 * The access token for a server bound beyond loopback: taken from the page's `?token=` (then
 * removed from the address bar so it is not bookmarked or shared) and kept for the tab's session.
 */
export function pageToken(): string | undefined {
  const url = new URL(globalThis.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    globalThis.sessionStorage?.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    globalThis.history?.replaceState(globalThis.history.state, '', url.toString());
    return fromUrl;
  }
  return globalThis.sessionStorage?.getItem(TOKEN_KEY) ?? undefined;
}

export function createHostApi(): HostApi {
  const bridge = electronBridge();
  if (bridge) return createIpcHostApi(bridge);
  return createHttpHostApi({ token: pageToken() });
}
