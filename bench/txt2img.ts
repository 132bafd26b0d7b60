// txt2img benchmark: how much of a run is ONNX Runtime's session.run and how much is ours (graph
// engine, sampler math, tensor conversions, previews, PNG writing), with a breakdown of our part.
// Two pipelines: the fixture pipeline (its U-Net costs a few ms a step, so fixed costs dominate)
// and the same pipeline with a heavier bench-only U-Net (bench/heavy-unet.ts) whose step costs
// what a small real model's does. Each is run twice; the second run (sessions loaded, text
// encodings cached, every node runs) is the one profiled. Every millisecond not inside
// session.run counts as overhead; the fixed per-image costs are also shown as their own lines.
// Usage: npx tsx bench/txt2img.ts [--size 512] [--steps 20] [--device cpu] [--channels 160]
//        [--models DIR --model NAME]   (add a row for any diffusers ONNX pipeline)
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { previewToDataUrl } from '../main/engine/execute/preview.ts';
import { createRuntimeServices } from '../main/engine/runtime-services.ts';
import { EngineClient } from '../main/engine/transport/client.ts';
import { encodePng } from '../main/runtime/image-io.ts';
import type { DeviceName } from '../nodes/api.ts';
import { ensureFixtureModels } from '../test/fixtures/models.ts';
import { txt2imgGraph } from '../test/integration/runtime/graphs.ts';
import { heavyUnetGflop, writeHeavyPipeline } from './heavy-unet.ts';
import { profiledRun, type RunProfile } from './txt2img-probe.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '512' },
    steps: { type: 'string', default: '20' },
    device: { type: 'string', default: 'cpu' },
    channels: { type: 'string', default: '160' },
    blocks: { type: 'string', default: '3' },
    models: { type: 'string' },
    model: { type: 'string' },
  },
});
const size = Number(values.size);
const steps = Number(values.steps);
const device = values.device as DeviceName;

interface Row {
  label: string;
  cold: RunProfile;
  warm: RunProfile;
  /** PNG encoding of run 2's image alone (sharp, as SaveImage does), best of 3 after the run. */
  pngMs: number;
}

const fmt = (v: number) => `${v.toFixed(1).padStart(8)} ms`;
const sum = (profile: RunProfile) => [...profile.sessionRun.values()].reduce((a, e) => a + e.ms, 0);
const slotMs = (profile: RunProfile, slot: string) => profile.sessionRun.get(slot)?.ms ?? 0;
const node = (profile: RunProfile, type: string) => profile.nodeMs.get(type) ?? 0;

/** Where the non-session.run time of one run went. */
function breakdown(p: RunProfile) {
  const unet = slotMs(p, 'unet');
  const sampler = node(p, 'Sampler');
  const wrapper = p.predictMs - unet;
  const arithmetic = sampler - p.predictMs - p.progressMs;
  const decodeConversion = node(p, 'VAEDecode') - slotMs(p, 'vae_decoder');
  const save = node(p, 'SaveImage');
  const nodesSum = [...p.nodeMs.values()].reduce((a, b) => a + b, 0);
  const otherNodes = nodesSum - sampler - node(p, 'VAEDecode') - save - slotMs(p, 'text_encoder');
  const engine = p.totalMs - nodesSum;
  const perStep = wrapper + arithmetic + p.progressMs;
  return { wrapper, arithmetic, decodeConversion, save, otherNodes, engine, perStep };
}

function report(row: Row): void {
  const p = row.warm;
  const b = breakdown(p);
  const runs = [...p.sessionRun].map(([slot, e]) => `${slot} ${e.ms.toFixed(1)} (${e.runs})`).join(', ');
  const ours = p.totalMs - sum(p);
  console.log(`\n${row.label}`);
  console.log(`  run 1 (cold: creates the sessions)      ${fmt(row.cold.totalMs)}`);
  console.log(`  run 2 (sessions loaded, text cached)    ${fmt(p.totalMs)}`);
  console.log(`    session.run                           ${fmt(sum(p))}   ${runs}`);
  console.log(
    `    ours (everything else)                ${fmt(ours)}   ${((100 * ours) / p.totalMs).toFixed(2)}% of run 2`,
  );
  console.log(`    per step (${steps}):`);
  console.log(`      U-Net wrapper (feeds, outputs)      ${fmt(b.wrapper / steps)}`);
  console.log(`      sampler arithmetic, CFG, latent preview ${fmt(b.arithmetic / steps)}`);
  console.log(
    `      progress events + preview PNGs      ${fmt(p.progressMs / steps)}   (${p.previews} previews)`,
  );
  console.log(`    per image:`);
  console.log(`      VAE output → IMAGE conversion       ${fmt(b.decodeConversion)}`);
  console.log(`      SaveImage (PNG encode, embed graph, fsync'd write) ${fmt(b.save)}`);
  console.log(`        of which PNG encoding, timed alone after the run ≈ ${fmt(row.pngMs)}`);
  console.log(
    `    per run: other nodes (load lookup, text cache, schedule, empty latent) ${fmt(b.otherNodes)}; engine ${fmt(b.engine)}`,
  );
  console.log(
    `    node wall times: ${[...p.nodeMs].map(([type, ms]) => `${type} ${ms.toFixed(1)}`).join(', ')}`,
  );
}

function summary(rows: Row[]): void {
  console.log(
    '\nsummary (run 2)        U-Net/step   total      session.run   overhead   per-step overhead   fixed per image',
  );
  for (const row of rows) {
    const p = row.warm;
    const b = breakdown(p);
    const overhead = (100 * (p.totalMs - sum(p))) / p.totalMs;
    const unetStep = slotMs(p, 'unet') / steps;
    console.log(
      `${row.label.slice(0, 22).padEnd(22)} ${fmt(unetStep)} ${fmt(p.totalMs)} ${fmt(sum(p))}   ${overhead.toFixed(2).padStart(6)}%   ${fmt(b.perStep / steps)} (${((100 * b.perStep) / slotMs(p, 'unet')).toFixed(2)}%)   ${fmt(b.decodeConversion + b.save)}`,
    );
  }
  console.log('target: overhead under 2% of a run');
}

async function measureRow(label: string, modelsDir: string, model: string, output: string): Promise<Row> {
  const runtime = createRuntimeServices({
    paths: { models: modelsDir, input: join(output, 'input'), output: join(output, 'output') },
    device,
  });
  const graph = txt2imgGraph({
    model,
    size,
    steps,
    device,
    prompt: 'a red circle on a blue background',
    prefix: 'bench',
  });
  const cold = await profiledRun(runtime, graph);
  const warm = await profiledRun(runtime, graph);
  return { label, cold, warm, pngMs: await bestOf(3, () => pngOf(warm)) };
}

async function pngOf(profile: RunProfile): Promise<unknown> {
  if (!profile.image) throw new Error('the run decoded no image');
  return encodePng(profile.image, 0);
}

async function bestOf(times: number, task: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await task();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/**
 * The fixture graph through EngineClient (the worker thread the editor and CLI use): its second
 * run's wall time against the in-process run 2 shows what worker start-up does not, the cost of
 * posting every event (progress, previews) across threads.
 */
async function throughWorker(modelsDir: string, output: string, inProcessMs: number): Promise<void> {
  const client = await EngineClient.start({
    paths: { models: modelsDir, input: join(output, 'input'), output: join(output, 'output') },
    device,
    cacheBytes: 0, // every node runs each time, as in the in-process runs (a fresh Engine each)
  });
  try {
    const graph = txt2imgGraph({
      size,
      steps,
      device,
      prompt: 'a red circle on a blue background',
      prefix: 'bench',
    });
    let events = 0;
    const nodeMs = new Map<string, number>();
    const run = async () => {
      const result = await client.run(graph, (event) => {
        events += 1;
        if (event.type === 'node-done') nodeMs.set(event.nodeId, event.ms);
      });
      if (result.status !== 'done') throw new Error(`worker run ${result.status}`);
    };
    await run();
    events = 0;
    const started = performance.now();
    await run();
    const ms = performance.now() - started;
    const inNodes = [...nodeMs.values()].reduce((a, b) => a + b, 0);
    console.log(
      `fixture graph through the engine worker: run 2 ${ms.toFixed(1)} ms (${events} events), of which nodes ${inNodes.toFixed(1)} ms` +
        ` (${[...nodeMs].map(([id, t]) => `${id} ${t.toFixed(1)}`).join(', ')}); in process run 2 ${inProcessMs.toFixed(1)} ms`,
    );
  } finally {
    await client.close();
  }
}

/** The preview encoder now (in process) against the sharp pipeline it replaced, on a 64×64 preview. */
async function previewEncoders(): Promise<void> {
  const preview = {
    width: 64,
    height: 64,
    rgb: Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7) & 255),
  };
  const viaSharp = () =>
    sharp(Buffer.from(preview.rgb), { raw: { width: 64, height: 64, channels: 3 } })
      .png({ compressionLevel: 3 })
      .toBuffer();
  await previewToDataUrl(preview);
  await viaSharp();
  const now = await bestOf(20, () => previewToDataUrl(preview));
  const before = await bestOf(20, viaSharp);
  console.log(
    `preview PNG (64x64): in-process ${now.toFixed(3)} ms vs sharp ${before.toFixed(3)} ms (${(before / now).toFixed(1)}× faster)`,
  );
}

async function main(): Promise<void> {
  const fixtures = await ensureFixtureModels();
  const root = mkdtempSync(join(tmpdir(), 'bench-txt2img-'));
  console.log(
    `txt2img ${size}x${size} (latent ${size / 8}x${size / 8}), ${steps} steps euler, cfg 7.5 (one batch-2 U-Net call a step), device ${device}`,
  );
  try {
    const rows: Row[] = [];
    rows.push(await measureRow('fixture pipeline tiny-sd', fixtures.modelsDir, 'tiny-sd', join(root, 'a')));
    const heavyModels = join(root, 'models');
    mkdirSync(heavyModels, { recursive: true });
    const heavy = { channels: Number(values.channels), blocks: Number(values.blocks) };
    await writeHeavyPipeline(fixtures.pipelines.tinySd, heavyModels, 'heavy-sd', heavy);
    const gflop = heavyUnetGflop(heavy, 2, size / 8, size / 8);
    rows.push(
      await measureRow(
        `heavier U-Net (${heavy.channels} ch, ${heavy.blocks} blocks, ${gflop.toFixed(0)} GFLOP a step)`,
        heavyModels,
        'heavy-sd',
        join(root, 'b'),
      ),
    );
    if (values.models && values.model) {
      rows.push(await measureRow(`${values.model}`, values.models, values.model, join(root, 'c')));
    }
    for (const row of rows) report(row);
    summary(rows);
    await throughWorker(fixtures.modelsDir, join(root, 'w'), rows[0].warm.totalMs);
    await previewEncoders();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
