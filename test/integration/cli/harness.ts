// Runs the real `diffgraph` command as a subprocess (node bin/diffgraph.mjs ...) for the CLI tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_ROOT } from '../../../main/paths.ts';

export const CLI = join(APP_ROOT, 'bin', 'diffgraph.mjs');
export const GRAPHS_DIR = join(APP_ROOT, 'test', 'integration', 'cli', 'graphs');
/** Per-test limit: each test starts the CLI a few times, 1-3 s each on a busy 2-core machine. */
export const SLOW_TEST_MS = 180_000;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
}

/** Start the CLI; the caller may signal it. `done` resolves when it exits. */
export function startCli(
  args: readonly string[],
  options: CliOptions = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? APP_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** A fresh folder under test-output/ (ignored by git), removed by the returned function. */
export async function tempDir(label: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const root = join(APP_ROOT, 'test-output');
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, `cli-${label}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface ManifestJson {
  format: string;
  version: number;
  runs: {
    runId: string;
    graph: string;
    overrides: Record<string, unknown>;
    seed: number | null;
    seedWidgets: Record<string, number>;
    repeat: number;
    device: string;
    status: 'done' | 'failed' | 'cancelled';
    timings: { totalMs: number; nodes: Record<string, number>; cached: string[] };
    outputs: { kind: string; path: string }[];
    error: { nodeId: string | null; message: string } | null;
  }[];
}

export async function readManifest(outDir: string): Promise<ManifestJson> {
  return JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as ManifestJson;
}

/** Every file name in `dir` (sorted), to check nothing partial or temporary is left behind. */
export async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** Parse each stdout line as JSON (throws, failing the test, on any line that is not). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
