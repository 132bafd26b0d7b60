// Confining graph widget paths: relative names stay in their folder (also through symlinks),
// absolute paths only inside the allowed folders unless the runtime allows them (the CLI).
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { confinePath, PathRefusedError } from '../../../main/runtime/user-paths.ts';

function layout() {
  const root = mkdtempSync(join(tmpdir(), 'user-paths-'));
  const input = join(root, 'input');
  const outside = join(root, 'outside');
  mkdirSync(join(input, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  writeFileSync(join(input, 'sub', 'a.png'), 'a');
  return { root, input, outside };
}

const rule = (input: string, allowAbsolute = false) => ({ what: 'image', allowed: [input], allowAbsolute });

describe('confinePath', () => {
  it('resolves relative names inside the folder, sub-folders included', () => {
    const { input } = layout();
    expect(confinePath('sub/a.png', input, rule(input))).toBe(join(input, 'sub', 'a.png'));
    expect(confinePath('sub/../sub/a.png', input, rule(input))).toBe(join(input, 'sub', 'a.png'));
  });

  it('refuses ".." that leaves the folder, naming the value and the allowed folders', () => {
    const { input } = layout();
    for (const name of ['../outside/secret.txt', 'sub/../../x', '..', 'sub\\..\\..\\x']) {
      expect(() => confinePath(name, input, rule(input, true))).toThrow(
        new PathRefusedError(`image "${name}" leaves its folder ("..") (allowed folders: ${input})`),
      );
    }
  });

  it('refuses absolute paths outside the allowed folders unless absolute paths are allowed', () => {
    const { input, outside } = layout();
    const secret = join(outside, 'secret.txt');
    expect(() => confinePath(secret, input, rule(input))).toThrow(
      `image "${secret}" is an absolute path outside the allowed folders; graphs run in the editor or server may only name files inside them (allowed folders: ${input}; the diffgraph CLI also accepts absolute paths)`,
    );
    expect(() => confinePath('C:\\Users\\x\\secret.txt', input, rule(input))).toThrow(PathRefusedError);
    expect(confinePath(secret, input, rule(input, true))).toBe(secret);
  });

  it('accepts an absolute path that lies inside an allowed folder', () => {
    const { input } = layout();
    expect(confinePath(join(input, 'sub', 'a.png'), '/unused', rule(input))).toBe(
      join(input, 'sub', 'a.png'),
    );
  });

  it('refuses a symlink inside the folder that leads outside, but not one that stays inside', () => {
    const { input, outside } = layout();
    symlinkSync(outside, join(input, 'escape'));
    symlinkSync(join(input, 'sub'), join(input, 'alias'));
    expect(() => confinePath('escape/secret.txt', input, rule(input))).toThrow(
      `image "escape/secret.txt" leads outside the allowed folders through a symbolic link (refused; allowed folders: ${input})`,
    );
    expect(() => confinePath(join(input, 'escape', 'secret.txt'), input, rule(input))).toThrow(
      /through a symbolic link/,
    );
    // A file not there yet (checked through its nearest existing folder) behind the link is refused too.
    expect(() => confinePath('escape/new/file.png', input, rule(input))).toThrow(/through a symbolic link/);
    expect(confinePath('alias/a.png', input, rule(input))).toBe(join(input, 'alias', 'a.png'));
  });

  it('accepts a folder that is itself reached through a symlink', () => {
    const { root, input } = layout();
    const linkedInput = join(root, 'linked-input');
    symlinkSync(input, linkedInput);
    expect(confinePath('sub/a.png', linkedInput, rule(linkedInput))).toBe(join(linkedInput, 'sub', 'a.png'));
  });

  it('refuses NUL bytes', () => {
    const { input } = layout();
    expect(() => confinePath('a\0.png', input, rule(input, true))).toThrow(/NUL byte/);
  });
});
