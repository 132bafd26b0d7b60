// electron-builder.yml cannot be exercised offline (it downloads Electron), so check its content.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

interface BuilderConfig {
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  electronFuses: Record<string, boolean>;
  fileAssociations: { ext: string; role: string }[];
  linux: { target: string[] };
  win: { target: { target: string }[] };
  mac: { target: { target: string }[] };
}

const config = load(
  readFileSync(fileURLToPath(new URL('../../../electron-builder.yml', import.meta.url)), 'utf8'),
) as BuilderConfig;
const pkg = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8'),
);

describe('electron-builder.yml', () => {
  it('builds AppImage and deb for Linux, nsis for Windows, dmg for macOS', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.mac.target.map((t) => t.target)).toEqual(['dmg']);
  });

  it('associates .json graph files with the app', () => {
    expect(config.fileAssociations).toContainEqual(expect.objectContaining({ ext: 'json', role: 'Editor' }));
  });

  it('ships the entry point, the built editor, the shipped models and graphs', () => {
    expect(config.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'main/**/*',
        'nodes/**/*',
        'dist/renderer/**/*',
        'models/**/*',
        'graphs/**/*',
      ]),
    );
    expect(pkg.main).toBe('main/electron/main.cjs');
  });

  // Regression: no fuses were set and the app was not packaged as asar.
  it('packages as asar, with what native code opens by path unpacked', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/*.node',
        'models/**/*',
        'node_modules/onnxruntime-node/**/*',
        'node_modules/sharp/**/*',
      ]),
    );
  });

  it('flips the Electron fuses: no run-as-node, encrypted cookies, asar integrity, app only from asar', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // Every key is a fuse electron-builder knows (a typo would be ignored silently).
    const known = readFileSync(
      fileURLToPath(new URL('../../../node_modules/app-builder-lib/out/configuration.d.ts', import.meta.url)),
      'utf8',
    );
    for (const key of Object.keys(config.electronFuses)) expect(known).toContain(`${key}?: boolean;`);
  });
});
