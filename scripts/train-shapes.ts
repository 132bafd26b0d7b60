// The full training check on the shapes set (not part of CI: it runs for tens of minutes on a 2-core
// machine): train a class-conditional DDPM at 32×32 with class = shape, then sample N images per
// class from the EXPORTED pipeline (ONNX, LoadPipeline's loader, DDIM) and report the loss and the
// nearest-neighbour class accuracy. Run again with the same OUT_DIR to resume.
// Usage: npx tsx scripts/train-shapes.ts OUT_DIR [steps] [batch] [c0,c1]
import { nearestClassAccuracy } from '../main/train/nearest-neighbour.ts';
import { DEFAULT_TRAIN_OPTIONS, train } from '../main/train/trainer.ts';
import { loadExported, samplePipeline } from './train/sample-pipeline.ts';

const [out = 'train-shapes-out', steps = '1500', batch = '8', channels = '16,32'] = process.argv.slice(2);
const started = performance.now();
const cpuStart = process.cpuUsage();
const run = await train({
  ...DEFAULT_TRAIN_OPTIONS,
  dataset: 'models/features/diffgraph-shapes/reference',
  out,
  steps: Number(steps),
  batch: Number(batch),
  channels: channels.split(',').map(Number) as [number, number],
  classes: { namePart: 2 },
  resume: true,
  sampleEvery: 250,
  onStep(step, total, loss) {
    if (step % 25 === 0)
      console.log(
        `step ${step}/${total} loss ${loss.toFixed(4)} ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
  },
});
const trainSeconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const losses = run.state.losses;
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const k = run.data.classNames.length;
const ids = [...Array(4 * k).keys()].map((i) => i % k);
const pipeline = await loadExported(out);
const images = await samplePipeline(pipeline, {
  prompts: ids.map((i) => `a ${run.data.classNames[i]}`),
  size: 32,
  seed: 1234,
  steps: 20,
  cfg: 3,
});
console.log(
  JSON.stringify({
    steps: run.state.step,
    trainSeconds: Math.round(trainSeconds),
    trainCpuSeconds: Math.round((cpu.user + cpu.system) / 1e6),
    firstLoss100: mean(losses.slice(0, 100)),
    lastLoss100: mean(losses.slice(-100)),
    accuracy: nearestClassAccuracy(images, ids, run.data),
    samples: ids.length,
  }),
);
