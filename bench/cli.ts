// `npx tsx bench/cli.ts`: 20 runs of a small txt2img graph (tiny fixture pipeline) in ONE
// `diffgraph run --seeds 1-20` invocation, against 20 separate invocations (`--seed i` each).
// One invocation starts the engine and loads the models once and reuses the cached text encoding;
// separate invocations pay process start, worker start and model loading every time.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_ROOT } from '../main/paths.ts';
import { ensureFixtureModels } from '../test/fixtures/models.ts';

const RUNS = 20;
const CLI = join(APP_ROOT, 'bin', 'diffgraph.mjs');
const GRAPH = join(APP_ROOT, 'test', 'integration', 'cli', 'graphs', 'tiny-txt2img.json');

function diffgraph(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [CLI, 'run', GRAPH, ...args], { encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`diffgraph run failed (${result.status}):\n${result.stderr}`);
  return ms;
}

async function main(): Promise<void> {
  const models = await ensureFixtureModels();
  await mkdir(join(APP_ROOT, 'bench-output'), { recursive: true });
  const out = await mkdtemp(join(APP_ROOT, 'bench-output', 'cli-'));
  const common = ['--models', models.modelsDir, '--device', 'cpu'];
  try {
    diffgraph([...common, '--out', join(out, 'warmup'), '--seed', '0']); // page cache, tsx compile cache
    const batchMs = diffgraph([...common, '--out', join(out, 'batch'), '--seeds', `1-${RUNS}`]);
    let separateMs = 0;
    for (let seed = 1; seed <= RUNS; seed += 1) {
      separateMs += diffgraph([...common, '--out', join(out, 'separate'), '--seed', String(seed)]);
    }
    const perBatchRun = batchMs / RUNS;
    const perSeparateRun = separateMs / RUNS;
    console.log(`graph: ${GRAPH} (${RUNS} seeds, CPU)`);
    console.log(
      `one invocation, ${RUNS} runs:    ${batchMs.toFixed(0)} ms total, ${perBatchRun.toFixed(1)} ms per run`,
    );
    console.log(
      `${RUNS} separate invocations:    ${separateMs.toFixed(0)} ms total, ${perSeparateRun.toFixed(1)} ms per run`,
    );
    console.log(`ratio (separate / one invocation): ${(perSeparateRun / perBatchRun).toFixed(2)}x`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

await main();
