// Training speed of the hand-written DDPM trainer: steps per second of Algorithm 1 (forward, backward,
// Adam, EMA) for the default U-Net (channels 16/32, batch 16) on the shapes set at 32×32, and the
// matrix kernel alone (WebAssembly SIMD against the scalar loops) at a 3×3 convolution's shape.
// Wall time and this process's CPU time are both printed: on a shared machine the CPU time is the
// figure that compares across runs. Run: npm run bench -- train

import { loadDataset } from '../main/train/dataset.ts';
import { ddpmAlphasCumprod, trainingStep } from '../main/train/ddpm.ts';
import { wasmGemm } from '../main/train/gemm-wasm.ts';
import { Adam, WeightAverage } from '../main/train/optimizer.ts';
import { TinyUNet } from '../main/train/unet.ts';

const STEPS = 10;

function timed(body: () => void): { wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  body();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

function kernel(): void {
  const [m, n, k] = [32, 1024, 288];
  const a = new Float32Array(m * k).map((_, i) => Math.sin(i));
  const b = new Float32Array(k * n).map((_, i) => Math.cos(i));
  const c = new Float32Array(m * n);
  const simd = timed(() => {
    for (let r = 0; r < 20; r++)
      wasmGemm?.multiply(
        m,
        n,
        k,
        { data: a, offset: 0, transposed: false },
        { data: b, offset: 0, transposed: false },
        c,
        0,
      );
  });
  const scalar = timed(() => {
    for (let r = 0; r < 20; r++) {
      for (let i = 0; i < m; i++)
        for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * k + p] * b[p * n + j];
    }
  });
  const gmacs = (t: number) => ((20 * m * n * k) / (t * 1e6)).toFixed(2);
  console.log(
    `matrix kernel ${m}×${k}·${k}×${n}: SIMD ${gmacs(simd.cpuMs)} GMAC/s, scalar ${gmacs(scalar.cpuMs)} GMAC/s (per CPU second)`,
  );
}

async function main(): Promise<void> {
  kernel();
  const data = await loadDataset('models/features/diffgraph-shapes/reference', 32, { namePart: 2 });
  const model = new TinyUNet(
    { channels: [16, 32], embWidth: 64, groups: 8, classes: 5, imageChannels: 3 },
    0,
  );
  const adam = new Adam(model.params(), { lr: 2e-3, clipNorm: 1 });
  const ema = new WeightAverage(model.params(), 0.995);
  const alphas = ddpmAlphasCumprod();
  const step = (s: number) => {
    adam.zeroGrad();
    trainingStep(model, data, alphas, s, { batch: 16, seed: 0, classDropout: 0.1 });
    adam.update();
    ema.update(s);
  };
  step(0); // warm-up (JIT, WebAssembly memory growth)
  const t = timed(() => {
    for (let s = 1; s <= STEPS; s++) step(s);
  });
  const params = model.params().reduce((n, p) => n + p.data.length, 0);
  console.log(
    `train: U-Net 16/32 (${params} parameters), batch 16, 32×32: ${((1000 * STEPS) / t.wallMs).toFixed(3)} steps/s wall, ${((1000 * STEPS) / t.cpuMs).toFixed(3)} steps/s per CPU second (${(t.cpuMs / STEPS).toFixed(0)} ms CPU a step)`,
  );
}

await main();
