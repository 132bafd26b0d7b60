// LoadCheckpoint and LoRA bench: cold LoadCheckpoint (build + sessions, saving the CPU-optimised
// copies), warm LoadCheckpoint (cache hit: sessions opened from the saved copies) and, in the same
// run, a warm load with the default settings (optimisation level 'all' at every load, no saved copy;
// saved copies are opt-in, $DIFFGRAPH_SAVE_OPTIMISED=1); both U-Nets are then called alternately at
// batch 2 (CFG) on a 32×32 latent, so the per-call time of both is measured side by side. Then a LoRA
// applied through the build cache (only the LoRA-touched tensors merged over the
// cached LoRA-free build), a strength change (one more such variant), and for comparison the full
// rebuild a LoRA set used to cost (`diffgraph convert --lora`). The checkpoint is generated in a
// temporary folder (never committed): `--unet sd15` (default) gives an SD 1.5-shaped U-Net (with
// 64-wide cross-attention context, to match the tiny text encoder and VAE it is stored with);
// `--unet tiny` the tests' tiny one. The LoRA is rank 32 (kohya names) on every transformer attention
// projection, as sd-scripts trains by default. The machine's load average is printed with the numbers.
// `--no-lora` stops after the warm loads.
// Run: npx tsx bench/checkpoint-load.ts [--unet sd15|tiny] [--no-lora]
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { cachedBuild, cacheRootFor } from '../main/checkpoint/build-cache.ts';
import { convertCheckpoint } from '../main/checkpoint/convert.ts';
import { loraTargetTable } from '../main/checkpoint/lora-names.ts';
import { MemoryTensorSource } from '../main/checkpoint/memory-source.ts';
import { type TensorToWrite, writeSafetensors } from '../main/checkpoint/safetensors-write.ts';
import { createRuntimeServices } from '../main/engine/runtime-services.ts';
import { SeededRandom } from '../main/onnx/random.ts';
import { setHashCacheFile } from '../main/runtime/model-hash.ts';
import { type LoadedSession, type SessionPool, sessionPool } from '../main/runtime/session-pool.ts';
import { loadCheckpoint } from '../main/services/checkpoint-loader.ts';
import type { CheckpointRecipe } from '../nodes/api.ts';
import { TINY_CLIP, tinyClipL } from '../test/fixtures/checkpoints/tiny-clip.ts';
import { TINY_UNETS, type TinyUnetConfig, unetTensors } from '../test/fixtures/checkpoints/tiny-unet.ts';
import { tinyVae } from '../test/fixtures/checkpoints/tiny-vae.ts';
import { SD15_UNET } from './sd15-unet-shape.ts';

const RANK = 32;
/** SD 1.5's U-Net with the tiny text encoder's context width (the checkpoint stores that encoder). */
const SD15: TinyUnetConfig = { ...SD15_UNET, contextDim: TINY_CLIP.width };

function checkpointTensors(unet: 'sd15' | 'tiny'): TensorToWrite[] {
  const config = unet === 'sd15' ? SD15 : { ...TINY_UNETS.sd1, contextDim: TINY_CLIP.width };
  return [
    ...unetTensors(config, 'F16', 2101),
    ...tinyClipL(),
    ...tinyVae({ prefix: 'first_stage_model.', dtype: 'F16' }),
  ];
}

/** Rank-32 kohya LoRA on every U-Net attention projection (to_q/k/v/out.0) of the checkpoint. */
function attentionLora(tensors: TensorToWrite[]): TensorToWrite[] {
  const header = new MemoryTensorSource(
    'bench',
    tensors.map((t) => ({ ...t, values: new Float32Array(0) })),
  );
  const rng = new SeededRandom(9);
  const out: TensorToWrite[] = [];
  for (const [name, target] of loraTargetTable(header)) {
    if (!/^unet:.*\.attn[12]\.(to_[qkv]|to_out\.0)$/.test(name)) continue;
    const [rows, cols] = header.info(target.key).shape;
    const rank = Math.min(RANK, rows, cols);
    const module = `lora_unet_${name.slice('unet:'.length).replaceAll('.', '_')}`;
    out.push(
      {
        name: `${module}.lora_down.weight`,
        shape: [rank, cols],
        dtype: 'F16',
        values: rng.normals(rank * cols, 0.02),
      },
      {
        name: `${module}.lora_up.weight`,
        shape: [rows, rank],
        dtype: 'F16',
        values: rng.normals(rows * rank, 0.02),
      },
      { name: `${module}.alpha`, shape: [], dtype: 'F32', values: Float32Array.of(rank) },
    );
  }
  return out;
}

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `${what.padEnd(44)} ${((performance.now() - start) / 1000).toFixed(2)} s   (load average ${load})`,
  );
  return result;
}

const UNET_ROUNDS = 6;

/** The U-Net's inputs at batch 2 (CFG) on a 32×32 latent, deterministic. */
function unetFeeds(): Record<string, ort.Tensor> {
  const size = 2 * 4 * 32 * 32;
  return {
    sample: new ort.Tensor(
      'float32',
      Float32Array.from({ length: size }, (_, i) => Math.sin(0.37 * i)),
      [2, 4, 32, 32],
    ),
    timestep: new ort.Tensor('float32', Float32Array.of(537.25, 537.25), [2]),
    encoder_hidden_states: new ort.Tensor(
      'float32',
      Float32Array.from({ length: 2 * 77 * TINY_CLIP.width }, (_, i) => Math.cos(0.11 * i)),
      [2, 77, TINY_CLIP.width],
    ),
  };
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1];

interface CallStats {
  /** Median wall time per call. */
  ms: number;
  /** Median CPU time (user + system, all threads) per call. */
  cpuMs: number;
  /** Major page faults over all timed calls (weights read back from disk). */
  majorFaults: number;
}

/**
 * Each pool's U-Net called in turn (after one warm-up each), so that the load of a shared machine
 * falls on both alike: median wall and CPU time per call, and the page faults they took.
 */
async function interleavedUnetCalls(pools: SessionPool[]): Promise<CallStats[]> {
  const feeds = unetFeeds();
  const unets = pools.map((pool) => pool.settled().find((s) => s.slot === 'unet') as LoadedSession);
  for (const [i, unet] of unets.entries()) await pools[i].run(unet, feeds);
  const wall = pools.map(() => [] as number[]);
  const cpu = pools.map(() => [] as number[]);
  const faults = pools.map(() => 0);
  for (let round = 0; round < UNET_ROUNDS; round++) {
    for (const [i, unet] of unets.entries()) {
      const [start, usage] = [performance.now(), process.resourceUsage()];
      await pools[i].run(unet, feeds);
      const after = process.resourceUsage();
      wall[i].push(performance.now() - start);
      cpu[i].push((after.userCPUTime + after.systemCPUTime - usage.userCPUTime - usage.systemCPUTime) / 1000);
      faults[i] += after.majorPageFault - usage.majorPageFault;
    }
  }
  return pools.map((_, i) => ({ ms: median(wall[i]), cpuMs: median(cpu[i]), majorFaults: faults[i] }));
}

/** `work` with saved optimised copies on (`true`) or off ('all' at each load, the default). */
async function withSavedCopies<T>(on: boolean, work: () => Promise<T>): Promise<T> {
  const before = process.env.DIFFGRAPH_SAVE_OPTIMISED;
  process.env.DIFFGRAPH_SAVE_OPTIMISED = on ? '1' : '0';
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.DIFFGRAPH_SAVE_OPTIMISED;
    else process.env.DIFFGRAPH_SAVE_OPTIMISED = before;
  }
}

async function main(): Promise<void> {
  const unet = process.argv.includes('tiny') ? 'tiny' : 'sd15';
  setHashCacheFile(null);
  const root = await mkdtemp(join(tmpdir(), 'dg-bench-ckpt-load-'));
  try {
    const models = join(root, 'models');
    await mkdir(join(models, 'checkpoints'), { recursive: true });
    await mkdir(join(models, 'loras'));
    const tensors = checkpointTensors(unet);
    const checkpoint = join(models, 'checkpoints', 'bench.safetensors');
    await writeSafetensors(checkpoint, tensors);
    const lora = attentionLora(tensors);
    await writeSafetensors(join(models, 'loras', 'attn.safetensors'), lora);
    console.log(
      `U-Net ${unet}, float32 build on the CPU; LoRA: ${lora.length / 3} modules, rank ${RANK}; 2 CPU cores`,
    );
    const paths = { models, input: join(root, 'input'), output: join(root, 'output') };
    const recipe = (strength?: number): CheckpointRecipe => ({
      checkpoint: 'bench.safetensors',
      prediction: 'auto',
      dtype: 'float32',
      device: 'cpu',
      loras:
        strength === undefined
          ? []
          : [{ lora: 'attn.safetensors', strengthModel: strength, strengthClip: 1 }],
    });
    // A fresh runtime per load: nothing reused but the build cache (and the saved optimised copies).
    const open = async (r: CheckpointRecipe, what: string) => {
      const runtime = createRuntimeServices({ paths, device: 'cpu' });
      await timed(what, () => loadCheckpoint({ runtime, warn() {} }, r));
      return sessionPool(runtime);
    };
    const load = async (r: CheckpointRecipe, what: string) => (await open(r, what)).unloadAll();
    await withSavedCopies(true, () => load(recipe(), 'cold LoadCheckpoint (build, sessions, saved copies)'));
    const saved = await withSavedCopies(true, () =>
      open(recipe(), 'warm LoadCheckpoint (saved optimised copies)'),
    );
    const previous = await withSavedCopies(false, () =>
      open(recipe(), "warm LoadCheckpoint ('all' each load, default)"),
    );
    const [withCopy, withAll] = await interleavedUnetCalls([saved, previous]);
    const describe = (c: CallStats) =>
      `${c.ms.toFixed(0)} ms (CPU ${c.cpuMs.toFixed(0)} ms, ${c.majorFaults} major page faults)`;
    console.log(
      `U-Net per call, batch 2, 32×32, median of ${UNET_ROUNDS} alternating: saved copy ${describe(withCopy)}, ` +
        `'all' each load ${describe(withAll)}; ratio ${(withCopy.ms / withAll.ms).toFixed(3)} wall, ` +
        `${(withCopy.cpuMs / withAll.cpuMs).toFixed(3)} CPU (load average ${loadavg()[0].toFixed(1)})`,
    );
    await saved.unloadAll();
    await previous.unloadAll();
    await withSavedCopies(true, () => load(recipe(), 'warm LoadCheckpoint (saved copies), again'));
    if (process.argv.includes('--no-lora')) return;
    const loraFile = join(models, 'loras', 'attn.safetensors');
    const request = (strength: number) => ({
      checkpoint,
      dtype: 'float32' as const,
      prediction: 'auto' as const,
      loras: [{ path: loraFile, strengthModel: strength, strengthClip: 1 }],
    });
    const cacheRoot = cacheRootFor(models);
    await timed('LoRA apply: touched tensors merged', () => cachedBuild(cacheRoot, request(1)));
    await timed('LoRA strength change: touched tensors merged', () => cachedBuild(cacheRoot, request(0.6)));
    await timed('full rebuild with the LoRA (convert --lora)', () =>
      convertCheckpoint({
        checkpoint,
        out: join(root, 'full'),
        loras: [{ path: loraFile, strength: 0.6, strengthClip: 1 }],
        dtype: 'float32',
      }),
    );
    await load(recipe(0.3), 'LoadCheckpoint + LoRA at a new strength');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
