// The app has an icon: a square PNG large enough for every installer, referenced by the packaging
// config for each platform and given to the window where the OS takes it from the window.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { APP_ICON_PATH, APP_ICON_SIZE } from '../../../main/electron/app-icon.ts';
import { editorWindowOptions } from '../../../main/electron/window-options.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const config = load(readFileSync(`${root}electron-builder.yml`, 'utf8')) as Record<string, { icon?: string }>;

describe('app icon', () => {
  it('is a 1024×1024 PNG with an opaque, non-empty picture (macOS .icns needs 512 or more)', async () => {
    const meta = await sharp(APP_ICON_PATH).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', APP_ICON_SIZE, APP_ICON_SIZE]);
    const { channels } = await sharp(APP_ICON_PATH).stats();
    // Several colours (the sockets), not a flat square: the red channel varies across the icon.
    expect(channels[0].stdev).toBeGreaterThan(20);
  });

  it('is the icon electron-builder packages for Linux, Windows and macOS', () => {
    for (const platform of ['linux', 'win', 'mac']) {
      expect(`${root}${config[platform]?.icon}`).toBe(APP_ICON_PATH);
    }
  });

  it('is the window icon on Linux and Windows; macOS uses the bundle icon', () => {
    const options = (platform: NodeJS.Platform) =>
      editorWindowOptions({ preloadPath: '/p.cjs', platform, iconPath: APP_ICON_PATH });
    expect(options('linux').icon).toBe(APP_ICON_PATH);
    expect(options('win32').icon).toBe(APP_ICON_PATH);
    expect(options('darwin').icon).toBeUndefined();
  });
});
