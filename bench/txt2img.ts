// txt2img benchmark on the fixture pipeline: how much of a run is ONNX Runtime's session.run
// and how much is ours (graph engine, sampler math, tensor conversions, PNG writing).
// Usage: npx tsx bench/txt2img.ts [--size 512] [--steps 20] [--device cpu]
//        [--models DIR --model NAME]   (any diffusers ONNX pipeline instead of the fixture)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../main/engine/engine.ts';
import type { EngineEvent } from '../main/engine/events.ts';
import { defaultRegistry } from '../main/engine/registry.ts';
import { createRuntimeServices } from '../main/engine/runtime-services.ts';
import { sessionPool } from '../main/runtime/session-pool.ts';
import type { DeviceName, RuntimeServices } from '../nodes/api.ts';
import { ensureFixtureModels } from '../test/fixtures/models.ts';
import { txt2imgGraph } from '../test/integration/runtime/graphs.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '512' },
    steps: { type: 'string', default: '20' },
    device: { type: 'string', default: 'cpu' },
    models: { type: 'string' },
    model: { type: 'string', default: 'tiny-sd' },
  },
});
const size = Number(values.size);
const steps = Number(values.steps);
const device = values.device as DeviceName;

interface Measured {
  totalMs: number;
  runMs: number;
  runs: number;
  bySlot: Map<string, number>;
  /** Per node: its wall time as the engine measured it. */
  byNode: Map<string, number>;
}

async function measure(engine: Engine, runtime: RuntimeServices, graph: unknown): Promise<Measured> {
  const m: Measured = { totalMs: 0, runMs: 0, runs: 0, bySlot: new Map(), byNode: new Map() };
  sessionPool(runtime).timer = (slot, ms) => {
    m.runMs += ms;
    m.runs += 1;
    m.bySlot.set(slot, (m.bySlot.get(slot) ?? 0) + ms);
  };
  const onEvent = (event: EngineEvent) => {
    if (event.type === 'node-done') m.byNode.set(event.nodeId, event.ms);
  };
  const started = performance.now();
  const result = await engine.run(graph, { onEvent });
  m.totalMs = performance.now() - started;
  if (result.status !== 'done') throw new Error(`run ${result.status}: ${result.error?.message}`);
  return m;
}

const ms = (v: number) => `${v.toFixed(1).padStart(8)} ms`;

function report(label: string, m: Measured): void {
  const ours = m.totalMs - m.runMs;
  const slots = [...m.bySlot].map(([slot, t]) => `${slot} ${t.toFixed(1)}`).join(', ');
  console.log(`${label}`);
  console.log(`  total            ${ms(m.totalMs)}`);
  console.log(`  session.run sum  ${ms(m.runMs)}  (${m.runs} runs: ${slots || 'none'})`);
  console.log(`  other (ours)     ${ms(ours)}  = ${((100 * ours) / m.totalMs).toFixed(2)}% of total`);
  const nodes = [...m.byNode].map(([id, nodeMs]) => `${id} ${nodeMs.toFixed(1)}`);
  console.log(`  nodes ms         ${nodes.join(', ') || 'all cached'}`);
}

async function main(): Promise<void> {
  const fixtures = await ensureFixtureModels();
  const root = mkdtempSync(join(tmpdir(), 'bench-txt2img-'));
  const paths = { models: fixtures.modelsDir, input: join(root, 'input'), output: join(root, 'output') };
  const runtime = createRuntimeServices({ paths, device });
  const graph = txt2imgGraph({
    size,
    steps,
    device,
    prompt: 'a red circle on a blue background',
    prefix: 'bench',
  });
  const quiet = { info() {}, warn() {}, error() {} };
  console.log(
    `txt2img: fixture pipeline tiny-sd, ${size}x${size} (latent ${size / 8}x${size / 8}), ${steps} steps euler, cfg 7.5, device ${device}`,
  );

  const cold = await measure(
    new Engine({ registry: defaultRegistry(), runtime, logger: quiet }),
    runtime,
    graph,
  );
  report('run 1, cold (creates the ONNX sessions: not session.run time)', cold);

  // A new engine has no result cache, so every node runs again; the sessions and the text
  // encodings stay loaded in the process-wide pool.
  const warm = await measure(
    new Engine({ registry: defaultRegistry(), runtime, logger: quiet }),
    runtime,
    graph,
  );
  report('run 2, same graph, sessions loaded, text encodings cached (every node runs)', warm);
  const overhead = (100 * (warm.totalMs - warm.runMs)) / warm.totalMs;
  const perImage = warm.totalMs - warm.runMs;
  console.log(`  overhead ${overhead.toFixed(2)}% (target < 2%): ${overhead < 2 ? 'met' : 'NOT met'}`);
  if (overhead >= 2) {
    const unetStep = (warm.bySlot.get('unet') ?? 0) / steps;
    console.log(
      `  (the U-Net here takes ${unetStep.toFixed(1)} ms a step; our ${perImage.toFixed(0)} ms a run is under 2% once` +
        ` session.run sums to ${(perImage * 49).toFixed(0)} ms, i.e. ${((perImage * 49) / steps).toFixed(0)} ms a step)`,
    );
  }

  const engine = new Engine({ registry: defaultRegistry(), runtime, logger: quiet });
  await measure(engine, runtime, graph);
  const cached = await measure(engine, runtime, graph);
  report('run 3, same graph on the same engine (its result cache serves unchanged nodes)', cached);
  console.log(`second-run speed-up: run 1 / run 2 = ${(cold.totalMs / warm.totalMs).toFixed(2)}x`);
  rmSync(root, { recursive: true, force: true });
}

await main();
