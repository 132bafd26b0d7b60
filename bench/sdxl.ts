// SDXL U-Net bench: an SDXL-shaped U-Net (sgm's SDXL base config: 320 channels, levels 1/2/4, transformer
// depth 0/2/10, context 2048, label_emb 2816) with random float16 weights, written to a temporary folder
// (never committed) as a single-file checkpoint. Reports: conversion (build from the file to ONNX with
// external data, float32) time and peak RSS; warm load (session creation of the built model, as the
// session pool creates it); memory held after load against the weights' size; ms per U-Net call on the
// CPU at batch 2 (CFG) on a 128×128 latent with text_embeds and time_ids; and, when /usr/bin/python3 has
// torch, sgm's UNetModel on the same weights, inputs and thread count (bench/sdxl-torch.py).
// The two never hold their weights at once: PyTorch runs (and exits) before the ORT session is created,
// and copies the float16 file into its float32 module tensor by tensor.
//   npm run bench -- sdxl            full size: 4.9 GB checkpoint + 9.8 GB of float32 ONNX data in /tmp,
//                                    peak RSS ≈ 13.4 GB (PyTorch side), ≈ 11.3 GB (ONNX Runtime side)
//   npm run bench -- sdxl --small    the same shape at 1/5 of the width and depth, 64×64 latent
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { buildUnet } from '../main/checkpoint/build/unet.ts';
import { openTensorFile } from '../main/checkpoint/open.ts';
import { writeSafetensors } from '../main/checkpoint/safetensors-write.ts';
import { readUnetStructure } from '../main/checkpoint/unet-structure.ts';
import { writeModelWithExternalWeights } from '../main/onnx/external-weights.ts';
import { type TinyUnetConfig, unetTensors } from '../test/fixtures/checkpoints/tiny-unet.ts';
import { withFastUniformValues } from './fast-weights.ts';

const THREADS = 2;
const SMALL = process.argv.includes('--small');

/** sgm's SDXL base inference config (reference_models.SDXL_UNET). */
const SDXL: TinyUnetConfig = {
  inChannels: 4,
  outChannels: 4,
  modelChannels: 320,
  channelMult: [1, 2, 4],
  numResBlocks: 2,
  depths: [0, 2, 10],
  middleDepth: 10,
  contextDim: 2048,
  linearProjection: true,
  heads: { headChannels: 64 },
  admInChannels: 2816,
};
const CONFIG: TinyUnetConfig = SMALL
  ? { ...SDXL, modelChannels: 64, depths: [0, 1, 2], middleDepth: 2 }
  : SDXL;
const LATENT = SMALL ? 64 : 128;
// A full-size call takes minutes on two cores: one timed call after the warm-up.
const CALLS = SMALL ? 3 : 1;
/** Outputs compared with the reference (the PyTorch side prints as many). */
const COMPARED = 4096;

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Deterministic inputs (same formulas in bench/sdxl-torch.py). */
function feeds(size: number): Record<string, ort.Tensor> {
  const wave = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));
  return {
    sample: new ort.Tensor(
      'float32',
      wave(2 * 4 * size * size, (i) => Math.sin(0.37 * i)),
      [2, 4, size, size],
    ),
    timestep: new ort.Tensor('float32', Float32Array.of(537.25, 537.25), [2]),
    encoder_hidden_states: new ort.Tensor(
      'float32',
      wave(2 * 77 * 2048, (i) => Math.cos(0.11 * i)),
      [2, 77, 2048],
    ),
    text_embeds: new ort.Tensor(
      'float32',
      wave(2 * 1280, (i) => Math.sin(0.05 * i)),
      [2, 1280],
    ),
    time_ids: new ort.Tensor(
      'float32',
      Float32Array.of(1024, 1024, 0, 0, 1024, 1024, 768, 1344, 16, 32, 832, 1216),
      [2, 6],
    ),
  };
}

function torchReference(checkpoint: string): Record<string, number | number[]> | string {
  const reference = join(import.meta.dirname, '../../shared/reference-ldm');
  if (!existsSync('/usr/bin/python3') || !existsSync(reference))
    return 'no /usr/bin/python3 or reference-ldm';
  const args = [join(import.meta.dirname, 'sdxl-torch.py'), checkpoint, String(THREADS), reference];
  const run = spawnSync(
    '/usr/bin/python3',
    [...args, JSON.stringify(CONFIG), String(LATENT), String(CALLS)],
    {
      encoding: 'utf8',
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
      maxBuffer: 1 << 26,
    },
  );
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !line.startsWith('{'))
    return `torch run failed: ${run.stderr.split('\n').slice(-3).join(' ')}`;
  return JSON.parse(line);
}

/** Writes the checkpoint (streamed: each tensor generated as the writer reaches it). */
async function writeCheckpoint(dir: string): Promise<string> {
  const tensors = withFastUniformValues(unetTensors(CONFIG, 'F16', 2816), 2816);
  const checkpoint = join(dir, 'sdxl-unet.safetensors');
  const start = performance.now();
  await writeSafetensors(checkpoint, tensors);
  const bytes = (await stat(checkpoint)).size;
  console.log(
    `checkpoint (${SMALL ? 'small' : 'full-size'} SDXL U-Net, F16): ${tensors.length} tensors, ${mb(bytes)}, ` +
      `written in ${seconds(performance.now() - start)}; peak RSS ${mb(peakRss())}`,
  );
  return checkpoint;
}

/** Conversion from the file, as LoadCheckpoint's build does it: positioned reads, weights streamed out. */
async function convert(checkpoint: string, dir: string) {
  const src = await openTensorFile(checkpoint);
  const out = join(dir, 'unet');
  await mkdir(out);
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  const files = await writeModelWithExternalWeights(out, 'model.onnx', (sink) =>
    buildUnet(src, readUnetStructure(src), { dtype: 'float32' }, sink),
  );
  await src.close();
  console.log(
    `conversion to ONNX float32: ${seconds(performance.now() - start)}, ${mb(files.dataBytes)} external data; ` +
      `RSS before ${mb(rssBefore)}, peak so far ${mb(peakRss())} (weights never held whole: peak − before ≪ data)`,
  );
  return files;
}

async function loadAndRun(modelPath: string, weightBytes: number) {
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  const session = await ort.InferenceSession.create(modelPath, {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: THREADS,
    logSeverityLevel: 3,
  });
  const loadMs = performance.now() - start;
  const held = process.memoryUsage().rss - rssBefore;
  console.log(
    `warm load (session creation, 'all'): ${seconds(loadMs)}; memory held after load ${mb(held)} ` +
      `for ${mb(weightBytes)} of weights (×${(held / weightBytes).toFixed(2)})`,
  );
  const input = feeds(LATENT);
  let out = await session.run(input); // warm-up
  const runStart = performance.now();
  for (let i = 0; i < CALLS; i++) out = await session.run(input);
  const ms = (performance.now() - runStart) / CALLS;
  const compared = (out.out_sample.data as Float32Array).slice(0, COMPARED);
  await session.release();
  console.log(
    `U-Net call, CPU, batch 2, ${LATENT}×${LATENT} latent, ${THREADS} threads: ${ms.toFixed(0)} ms ` +
      `(${CALLS} timed call${CALLS > 1 ? 's' : ''} after 1 warm-up); peak RSS ${mb(peakRss())}; ` +
      `RSS after release ${mb(process.memoryUsage().rss)}`,
  );
  return { ms, out: compared };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-sdxl-'));
  // Gigabytes in /tmp: removed on interruption too, not only on errors.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    });
  }
  try {
    const checkpoint = await writeCheckpoint(dir);
    const files = await convert(checkpoint, dir);
    // The reference runs first, in its own process, before any session exists: the two float32 models
    // (10 GB each at full size) are never in memory together, and none of ORT's freed memory lingers.
    console.log(`PyTorch reference starts while this process holds ${mb(process.memoryUsage().rss)}`);
    const torch = torchReference(checkpoint);
    const ortRun = await loadAndRun(files.modelPath, files.dataBytes);
    if (typeof torch === 'string') {
      console.log(`PyTorch comparison skipped: ${torch}`);
      return;
    }
    const ref = torch.out as number[];
    const diff = Math.max(...ref.map((v, i) => Math.abs(v - ortRun.out[i])));
    const scale = Math.max(1, ...ref.map(Math.abs));
    console.log(
      `PyTorch 1.13 sgm UNetModel (OMP_WAIT_POLICY=PASSIVE): ${(torch.ms as number).toFixed(0)} ms per call ` +
        `(ratio torch/ORT ${((torch.ms as number) / ortRun.ms).toFixed(2)}), load ${seconds(torch.loadMs as number)} ` +
        `(module construction ${seconds(torch.constructMs as number)}, weights read tensor by tensor), ` +
        `peak RSS ${(torch.maxRssMB as number).toFixed(0)} MB; max |ORT − torch| / max(1, |torch|) over the first ` +
        `${ref.length} outputs: ${(diff / scale).toExponential(2)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
