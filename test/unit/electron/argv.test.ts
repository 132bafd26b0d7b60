import { describe, expect, it } from 'vitest';
import { graphPathsFromArgv } from '../../../main/electron/argv.ts';

describe('graphPathsFromArgv', () => {
  it('takes .json paths from a packaged app argv, resolved against the working directory', () => {
    const argv = ['/opt/Diffgraph/diffgraph-app', 'my graph.json', '/abs/other.JSON', 'notes.txt'];
    expect(graphPathsFromArgv(argv, { cwd: '/home/me', defaultApp: false })).toEqual([
      '/home/me/my graph.json',
      '/abs/other.JSON',
    ]);
  });

  it('skips the app folder in development and Chromium/Electron switches', () => {
    const argv = [
      '/usr/bin/electron',
      '.',
      '--no-sandbox',
      '--inspect=9229',
      'g.json',
      '--allow-file-access-from-files',
    ];
    expect(graphPathsFromArgv(argv, { cwd: '/w', defaultApp: true })).toEqual(['/w/g.json']);
  });

  it('accepts file:// URLs, paths after --, and drops duplicates', () => {
    const argv = ['app', 'file:///home/me/a%20b.json', '--', '-dash.json', '/home/me/a b.json'];
    expect(graphPathsFromArgv(argv, { cwd: '/x', defaultApp: false })).toEqual([
      '/home/me/a b.json',
      '/x/-dash.json',
    ]);
  });

  it('uses the second instance cwd, not its own', () => {
    expect(graphPathsFromArgv(['app', '../up.json'], { cwd: '/a/b', defaultApp: false })).toEqual([
      '/a/up.json',
    ]);
  });
});
