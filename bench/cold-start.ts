// Cold start of the quick-start command: `node bin/diffgraph.mjs run graphs/default.json`, a fresh
// process each time, split into start-up, model load, text encoding, sampling, VAE decode, writing
// and exit. Phases come from the CLI's --json events (engine-measured node times) and the wall
// clock of the parent process. Usage: npx tsx bench/cold-start.ts [--runs 3] [--device auto]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { APP_ROOT } from '../main/paths.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, device: { type: 'string', default: 'auto' } },
});
const TARGET_MS = 5000;
const PHASES = [
  'start-up',
  'model load',
  'text encoding',
  'sampling',
  'vae decode',
  'writing',
  'other nodes',
  'exit',
  'total',
] as const;
type Phase = (typeof PHASES)[number];

interface Line {
  at: number;
  event: { type: string; nodeId?: string; nodeType?: string; ms?: number };
}

/** Runs the CLI once and returns every --json line with its arrival time (ms since spawn). */
function runOnce(out: string): Promise<{ lines: Line[]; exitAt: number }> {
  const args = [
    join(APP_ROOT, 'bin', 'diffgraph.mjs'),
    'run',
    join(APP_ROOT, 'graphs', 'default.json'),
    '--json',
    '--out',
    out,
    '--device',
    String(values.device),
  ];
  const start = performance.now();
  const child = spawn(process.execPath, args, { cwd: APP_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Line[] = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    lines.push({ at: performance.now() - start, event: JSON.parse(text) });
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`diffgraph run exited with ${code}`));
      else resolve({ lines, exitAt: performance.now() - start });
    });
  });
}

const NODE_PHASE: Record<string, Phase> = {
  LoadPipeline: 'model load',
  TextEncode: 'text encoding',
  Sampler: 'sampling',
  VAEDecode: 'vae decode',
  SaveImage: 'writing',
};

function split({ lines, exitAt }: { lines: Line[]; exitAt: number }): Record<Phase, number> {
  const phases = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  const first = lines[0]?.at ?? exitAt;
  const runStart = lines.find((l) => l.event.type === 'run-started')?.at ?? first;
  const runEnd = lines.find((l) => l.event.type === 'run-done')?.at ?? exitAt;
  const typeOf = new Map(
    lines.filter((l) => l.event.type === 'node-started').map((l) => [l.event.nodeId, l.event.nodeType ?? '']),
  );
  let nodeTotal = 0;
  for (const { event } of lines) {
    if (event.type !== 'node-done' || event.ms === undefined) continue;
    phases[NODE_PHASE[typeOf.get(event.nodeId) ?? ''] ?? 'other nodes'] += event.ms;
    nodeTotal += event.ms;
  }
  phases['start-up'] = runStart;
  // Engine bookkeeping between nodes counts with the other nodes.
  phases['other nodes'] += runEnd - runStart - nodeTotal;
  phases.exit = exitAt - runEnd;
  phases.total = exitAt;
  return phases;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const runs = Number(values.runs);
const results: Record<Phase, number>[] = [];
for (let i = 0; i < runs; i++) {
  const out = mkdtempSync(join(tmpdir(), 'diffgraph-cold-'));
  try {
    results.push(split(await runOnce(out)));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

console.log(`diffgraph run graphs/default.json (--device ${values.device}), ${runs} fresh processes`);
console.log(
  `${'phase'.padEnd(14)}${results.map((_, i) => `run ${i + 1}`.padStart(10)).join('')}${'median'.padStart(10)}${'share'.padStart(8)}`,
);
const total = median(results.map((r) => r.total));
for (const phase of PHASES) {
  const ms = results.map((r) => r[phase]);
  const share = phase === 'total' ? '' : `${((100 * median(ms)) / total).toFixed(0)}%`;
  console.log(
    `${phase.padEnd(14)}${ms.map((v) => `${v.toFixed(0)} ms`.padStart(10)).join('')}${`${median(ms).toFixed(0)} ms`.padStart(10)}${share.padStart(8)}`,
  );
}
console.log(
  `median total ${(total / 1000).toFixed(2)} s = ${((100 * total) / TARGET_MS).toFixed(0)}% of the 5 s target`,
);
