// Checkpoint U-Net bench: a full-size SD 1.5-shaped U-Net with random float16 weights, generated in a
// temporary folder (never committed). Reports: build time and peak RSS (weights streamed to external
// data), session creation at 'extended' and 'all', ms per U-Net call on the CPU at batch 2 (CFG) with
// 32×32 and 64×64 latents, and, when /usr/bin/python3 has torch, the reference UNetModel on the same
// weights, inputs and thread count, as a ratio; and ONNX Runtime on a plain torch.onnx.export of that
// UNetModel beside our build at 'extended', at 'all' and from its saved 'all'-optimised copy (calls in turn,
// wall and CPU time per call, with the load average). Run: `npx tsx bench/checkpoint.ts`
// (needs ~12 GB RAM).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { buildUnet } from '../main/checkpoint/build/unet.ts';
import { MemoryTensorSource } from '../main/checkpoint/memory-source.ts';
import { writeSafetensors } from '../main/checkpoint/safetensors-write.ts';
import type { TensorSource } from '../main/checkpoint/tensor-source.ts';
import { readUnetStructure } from '../main/checkpoint/unet-structure.ts';
import { writeModelWithExternalWeights } from '../main/onnx/external-weights.ts';
import { float16ToFloat32, float32ToFloat16 } from '../main/util/float16.ts';
import { unetTensors } from '../test/fixtures/checkpoints/tiny-unet.ts';
import { SD15_UNET } from './sd15-unet-shape.ts';

const THREADS = 2;

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/** Times every read, so the build's own cost can be told from the weight generation standing in for file reads. */
function timedSource(src: TensorSource): TensorSource & { readMs: number } {
  const timed = {
    name: src.name,
    readMs: 0,
    keys: () => src.keys(),
    has: (k: string) => src.has(k),
    info: (k: string) => src.info(k),
    metadata: () => src.metadata(),
    read: async (k: string) => {
      const start = performance.now();
      const values = await src.read(k);
      timed.readMs += performance.now() - start;
      return values;
    },
  };
  return timed;
}

/** The bench's deterministic inputs (same formulas in bench/checkpoint-torch.py). */
function feeds(size: number): Record<string, ort.Tensor> {
  const n = 2 * 4 * size * size;
  return {
    sample: new ort.Tensor(
      'float32',
      Float32Array.from({ length: n }, (_, i) => Math.sin(0.37 * i)),
      [2, 4, size, size],
    ),
    timestep: new ort.Tensor('float32', Float32Array.of(537.25, 537.25), [2]),
    encoder_hidden_states: new ort.Tensor(
      'float32',
      Float32Array.from({ length: 2 * 77 * 768 }, (_, i) => Math.cos(0.11 * i)),
      [2, 77, 768],
    ),
  };
}

async function createSession(
  model: string,
  level: 'extended' | 'all',
  extra: ort.InferenceSession.SessionOptions = {},
) {
  const start = performance.now();
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: level,
    executionMode: 'sequential',
    intraOpNumThreads: THREADS,
    logSeverityLevel: 3,
    ...extra,
  });
  return { session, ms: performance.now() - start };
}

async function msPerCall(session: ort.InferenceSession, size: number, calls: number) {
  const input = feeds(size);
  let out = await session.run(input); // warm-up
  const start = performance.now();
  for (let i = 0; i < calls; i++) out = await session.run(input);
  return { ms: (performance.now() - start) / calls, out: out.out_sample.data as Float32Array };
}

function torchReference(checkpoint: string): Record<string, number | number[]> | string {
  const reference = join(import.meta.dirname, '../../shared/reference-ldm');
  if (!existsSync('/usr/bin/python3') || !existsSync(reference))
    return 'no /usr/bin/python3 or reference-ldm';
  const script = join(import.meta.dirname, 'checkpoint-torch.py');
  const run = spawnSync('/usr/bin/python3', [script, checkpoint, String(THREADS), reference], {
    encoding: 'utf8',
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
    maxBuffer: 1 << 26,
  });
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !line.startsWith('{'))
    return `torch run failed: ${run.stderr.split('\n').slice(-3).join(' ')}`;
  return JSON.parse(line);
}

/** The reference UNetModel exported by torch.onnx.export (bench/checkpoint-torch-export.py). */
function plainExport(checkpoint: string, out: string): string | undefined {
  const reference = join(import.meta.dirname, '../../shared/reference-ldm');
  const script = join(import.meta.dirname, 'checkpoint-torch-export.py');
  const run = spawnSync('/usr/bin/python3', [script, checkpoint, out, reference], { encoding: 'utf8' });
  if (run.status === 0) return undefined;
  return `torch.onnx.export failed: ${run.stderr.split('\n').slice(-3).join(' ')}`;
}

/** Median of `values`. */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

/**
 * The per-call yardstick: ONNX Runtime on a plain PyTorch export of the same network, against our
 * build opened at 'extended' (fast to open), at 'all' (optimised at every load) and, when saving it
 * worked, from its saved 'all'-optimised copy (what a warm LoadCheckpoint opens with saved copies
 * on). Called in turn (32×32, batch 2) so a shared machine's load falls on all alike; CPU time per
 * call (all threads) is printed beside wall time because it moves less with the machine's load.
 */
async function compareWithPlainExport(ours: string, exported: string, savedCopy?: string): Promise<void> {
  const sessions = [
    { name: "plain torch.onnx.export, 'all'", ...(await createSession(exported, 'all')) },
    { name: "Diffgraph build, 'extended'", ...(await createSession(ours, 'extended')) },
    { name: "Diffgraph build, 'all'", ...(await createSession(ours, 'all')) },
  ];
  if (savedCopy)
    sessions.push({ name: 'saved optimised copy (mapped)', ...(await createSession(savedCopy, 'all')) });
  const input = feeds(32);
  for (const s of sessions) await s.session.run(input);
  const wall = sessions.map(() => [] as number[]);
  const cpu = sessions.map(() => [] as number[]);
  for (let round = 0; round < 5; round++)
    for (const [i, s] of sessions.entries()) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await s.session.run(input);
      wall[i].push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu[i].push((used.user + used.system) / 1000);
    }
  const [baseWall, baseCpu] = [median(wall[0]), median(cpu[0])];
  for (const [i, s] of sessions.entries())
    console.log(
      `${s.name.padEnd(34)} session ${(s.ms / 1000).toFixed(2)} s, 32×32 call ${median(wall[i]).toFixed(0)} ms ` +
        `(×${(median(wall[i]) / baseWall).toFixed(2)} of the plain export), CPU ${median(cpu[i]).toFixed(0)} ms ` +
        `(×${(median(cpu[i]) / baseCpu).toFixed(2)})`,
    );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const s of sessions) await s.session.release();
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-checkpoint-'));
  try {
    // The checkpoint file (for PyTorch) and a source with exactly its (float16-rounded) values.
    const tensors = unetTensors(SD15_UNET, 'F16', 1515);
    const checkpoint = join(dir, 'sd15-unet.safetensors');
    let start = performance.now();
    await writeSafetensors(checkpoint, tensors);
    console.log(
      `checkpoint: ${tensors.length} tensors written in ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );
    const rounded = tensors.map((t) => ({
      ...t,
      values: () =>
        float16ToFloat32(float32ToFloat16(typeof t.values === 'function' ? t.values() : t.values)),
    }));
    const src = timedSource(new MemoryTensorSource(checkpoint, rounded));

    const rssBefore = process.memoryUsage().rss;
    const out = join(dir, 'unet');
    await mkdir(out);
    start = performance.now();
    const structure = readUnetStructure(src);
    const files = await writeModelWithExternalWeights(out, 'model.onnx', (sink) =>
      buildUnet(src, structure, { dtype: 'float32' }, sink),
    );
    const buildMs = performance.now() - start;
    console.log(
      `build float32: ${(buildMs / 1000).toFixed(1)} s (of which ${(src.readMs / 1000).toFixed(1)} s generating ` +
        `weights in place of reading them), ${mb(files.dataBytes)} external data; RSS before ${mb(rssBefore)}, ` +
        `peak ${mb(peakRss())}`,
    );

    for (const level of ['extended', 'all'] as const) {
      const { session, ms } = await createSession(files.modelPath, level);
      console.log(`session creation (${level}): ${(ms / 1000).toFixed(2)} s`);
      await session.release();
    }
    const optimised = join(out, 'optimised.onnx');
    let savedCopy: string | undefined;
    const saved = await createSession(files.modelPath, 'all', {
      optimizedModelFilePath: optimised,
      extra: { session: { optimized_model_external_initializers_file_name: 'optimised.onnx_data' } },
    }).catch((error: Error) => error);
    if (saved instanceof Error)
      console.log(`saving the optimised model failed: ${saved.message.split('\n')[0]}`);
    else {
      await saved.session.release();
      // Opened as LoadCheckpoint opens its saved copies (main/runtime/optimised-model-cache.ts).
      const reload = await createSession(optimised, 'all').catch((error: Error) => error);
      if (reload instanceof Error)
        console.log(`optimised model reload failed: ${reload.message.split('\n')[0]}`);
      else {
        console.log(
          `session creation from the saved 'all'-optimised model (opened at 'all'): ${(reload.ms / 1000).toFixed(2)} s`,
        );
        await reload.session.release();
        savedCopy = optimised;
      }
    }

    const { session } = await createSession(files.modelPath, 'all');
    const ort32 = await msPerCall(session, 32, 3);
    const ort64 = await msPerCall(session, 64, 2);
    await session.release();
    console.log(
      `U-Net call, CPU, batch 2, ${THREADS} threads: 32×32 ${ort32.ms.toFixed(0)} ms, 64×64 ${ort64.ms.toFixed(0)} ms`,
    );
    console.log(`peak RSS so far: ${mb(peakRss())}`);

    const exported = join(dir, 'torch-export', 'unet.onnx');
    await mkdir(join(dir, 'torch-export'));
    const exportProblem = existsSync('/usr/bin/python3')
      ? plainExport(checkpoint, exported)
      : 'no /usr/bin/python3';
    if (exportProblem) console.log(`plain-export comparison skipped: ${exportProblem}`);
    else await compareWithPlainExport(files.modelPath, exported, savedCopy);

    const torch = torchReference(checkpoint);
    if (typeof torch === 'string') {
      console.log(`PyTorch comparison skipped: ${torch}`);
      return;
    }
    const diff = (a: Float32Array, b: number[]) => Math.max(...b.map((v, i) => Math.abs(v - a[i])));
    console.log(
      `PyTorch 1.13 reference UNetModel (OMP_WAIT_POLICY=PASSIVE): 32×32 ${(torch.ms32 as number).toFixed(0)} ms ` +
        `(ratio torch/ORT ${((torch.ms32 as number) / ort32.ms).toFixed(2)}), 64×64 ${(torch.ms64 as number).toFixed(0)} ms ` +
        `(ratio ${((torch.ms64 as number) / ort64.ms).toFixed(2)}); torch peak RSS ${(torch.maxRssMB as number).toFixed(0)} MB; ` +
        `max |ORT − torch| over the first 4096 outputs: ${diff(ort32.out, torch.out32 as number[]).toExponential(2)} (32), ` +
        `${diff(ort64.out, torch.out64 as number[]).toExponential(2)} (64)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
