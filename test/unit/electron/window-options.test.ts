import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  isAllowedNavigation,
  isPermissionAllowed,
  isTrustedSender,
} from '../../../main/electron/app-origin.ts';
import { editorWindowOptions } from '../../../main/electron/window-options.ts';

describe('editor window options', () => {
  it('isolate and sandbox the renderer, without Node, with web security on, on every platform', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      const prefs = editorWindowOptions({
        preloadPath: '/app/main/electron/preload.cjs',
        platform,
      }).webPreferences;
      expect(prefs).toMatchObject({
        preload: '/app/main/electron/preload.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
      });
    }
  });
});

describe('sender and navigation checks', () => {
  it('trusts only the top-level frame of the app page', () => {
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent: null })).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'file:///app/index.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'diffgraph://other/index.html', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });

  it('allows navigation only within the app', () => {
    expect(isAllowedNavigation(`${APP_ORIGIN}/index.html#x`)).toBe(true);
    expect(isAllowedNavigation('https://example.com/')).toBe(false);
    expect(isAllowedNavigation('not a url')).toBe(false);
  });
});

describe('page permissions', () => {
  it('allow only clipboard access, and only to the app page', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', `${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isPermissionAllowed('clipboard-read', `${APP_ORIGIN}/`)).toBe(true);
    expect(isPermissionAllowed('clipboard-read', 'https://evil.example/')).toBe(false);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'fileSystem']) {
      expect(isPermissionAllowed(permission, `${APP_ORIGIN}/index.html`)).toBe(false);
    }
  });
});
