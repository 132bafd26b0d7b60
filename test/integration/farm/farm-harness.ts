// A real farm for the integration tests: Debian's redis-server on a free loopback port in a temp
// folder (AOF on), and `diffgraph worker` subprocesses (one intra-op thread each).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { APP_ROOT } from '../../../main/paths.ts';
import { startCli } from '../cli/harness.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class RedisServer {
  private child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    readonly dir: string,
    /** More redis-server flags (a password, TLS ports and files). */
    private readonly extra: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      ...this.extra,
    ];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
        if (log.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${log}`)));
    });
  }

  /** SIGTERM: Redis flushes its AOF and exits, as on a service restart. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  /** Everything the worker wrote to stderr so far. */
  log(): string;
  /** Resolves once `text` appears in the worker's stderr. */
  waitFor(text: string | RegExp | ((log: string) => boolean), timeoutMs?: number): Promise<void>;
  exited: Promise<unknown>;
}

/** Short locks so a SIGKILLed worker's job is retried within seconds. */
export const FAST_FAULTS = ['--heartbeat-ms', '500', '--lock-ms', '5000', '--stalled-ms', '2000'];

export function startWorker(
  name: string,
  redisUrl: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): WorkerProcess {
  const args = [
    'worker',
    '--redis',
    redisUrl,
    '--name',
    name,
    '--device',
    'cpu',
    '--threads',
    '1',
    ...FAST_FAULTS,
    ...extra,
  ];
  const { child, done } = startCli(args, { env });
  let stderr = '';
  const waiters: { test: (text: string) => boolean; resolve: () => void }[] = [];
  const logFile = join(APP_ROOT, 'test-output', `farm-${name}.log`);
  child.stderr?.on('data', (chunk: Buffer | string) => {
    stderr += chunk.toString();
    // Kept after the run (test-output/ is ignored by git) to see what a worker did when a test fails.
    appendFileSync(logFile, chunk.toString());
    for (const waiter of [...waiters]) {
      if (waiter.test(stderr)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  const waitFor = (text: string | RegExp | ((log: string) => boolean), timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const test = (all: string) =>
        typeof text === 'string'
          ? all.includes(text)
          : typeof text === 'function'
            ? text(all)
            : text.test(all);
      if (test(stderr)) return resolve();
      const timer = setTimeout(
        () => reject(new Error(`worker ${name}: no "${text}" in:\n${stderr}`)),
        timeoutMs,
      );
      const settle = () => {
        clearTimeout(timer);
        resolve();
      };
      waiters.push({ test, resolve: settle });
    });
  return { name, child, log: () => stderr, waitFor, exited: done };
}

export async function stopWorker(worker: WorkerProcess): Promise<void> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  await worker.exited;
}

export function modelsDirFor(root: string, label: string): string {
  return join(root, `models-${label}`);
}

export interface TestCa {
  /** PEM of the throwaway CA that signed the server certificate. */
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A throwaway CA and a server certificate for 127.0.0.1 and localhost it signed (openssl). */
export function makeTestCa(dir: string): TestCa {
  const file = (name: string) => join(dir, name);
  const steps = [
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=Diffgraph test CA'],
    ['-keyout', file('ca.key'), '-out', file('ca.crt')],
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1'],
    ['-keyout', file('server.key'), '-out', file('server.csr')],
    ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key')],
    ['-CAcreateserial', '-days', '1', '-out', file('server.crt'), '-extfile', file('san.cnf')],
  ];
  writeFileSync(file('san.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  for (let at = 0; at < steps.length; at += 2) {
    const ran = spawnSync('openssl', [...steps[at], ...steps[at + 1]], { encoding: 'utf8' });
    if (ran.status !== 0) throw new Error(`openssl ${steps[at][0]} failed: ${ran.stderr}`);
  }
  return { caFile: file('ca.crt'), certFile: file('server.crt'), keyFile: file('server.key') };
}
