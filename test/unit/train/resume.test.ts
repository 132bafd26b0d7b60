// A run stopped and resumed from its checkpoint ends bit-identical to the same run uninterrupted
// (weights, Adam moments, EMA, losses), and the dataset reads classes from subfolders.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSafetensors } from '../../../main/checkpoint/safetensors-read.ts';
import { readRunState } from '../../../main/train/checkpoint.ts';
import { loadDataset } from '../../../main/train/dataset.ts';
import {
  checkpointPath,
  DEFAULT_TRAIN_OPTIONS,
  type TrainOptions,
  train,
} from '../../../main/train/trainer.ts';

let root = '';
let dataset = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'diffgraph-train-'));
  dataset = join(root, 'data');
  for (const [name, colour] of [
    ['dark', [20, 30, 40]],
    ['light', [220, 200, 180]],
  ] as const) {
    await mkdir(join(dataset, name), { recursive: true });
    for (let i = 0; i < 3; i++) {
      const pixels = Buffer.alloc(16 * 16 * 3);
      for (let p = 0; p < 256; p++)
        for (let c = 0; c < 3; c++) pixels[p * 3 + c] = colour[c] + (p % (i + 2)) * 5;
      await sharp(pixels, { raw: { width: 16, height: 16, channels: 3 } })
        .png()
        .toFile(join(dataset, name, `${i}.png`));
    }
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function options(out: string, steps: number, resume: boolean): TrainOptions {
  return {
    ...DEFAULT_TRAIN_OPTIONS,
    dataset,
    out,
    steps,
    batch: 3,
    size: 8,
    channels: [4, 4],
    classes: 'subfolders',
    resume,
    sampleEvery: 0,
    checkpointEvery: 2,
    exportPipeline: false,
  };
}

async function tensors(path: string): Promise<Map<string, Float32Array>> {
  const file = await openSafetensors(path);
  try {
    const out = new Map<string, Float32Array>();
    for (const key of file.keys()) out.set(key, await file.read(key));
    return out;
  } finally {
    await file.close();
  }
}

describe('training dataset', () => {
  it('takes classes from subfolders (sorted names) and scales pixels to [−1, 1]', async () => {
    const data = await loadDataset(dataset, 8, 'subfolders');
    expect(data.classNames).toEqual(['dark', 'light']);
    expect(data.labels).toEqual([0, 0, 0, 1, 1, 1]);
    expect(data.images.length).toBe(6 * 3 * 8 * 8);
    expect(data.images[0]).toBeCloseTo((20 / 255) * 2 - 1, 1);
  });

  it('names the file when a name part for the class is missing', async () => {
    await expect(loadDataset(join(dataset, 'dark'), 8, { namePart: 3 })).rejects.toThrow(
      /0\.png: the file name has no part 3/,
    );
  });
});

describe('resumable training', () => {
  it('an interrupted run saves its last step, and resuming it still equals the uninterrupted run', async () => {
    const straight = join(root, 'straight-for-abort');
    const cut = join(root, 'cut');
    await train(options(straight, 4, false));
    const abort = new AbortController();
    const interrupted = train({
      ...options(cut, 4, false),
      signal: abort.signal,
      onStep: (step) => {
        if (step === 3) abort.abort(new Error('stop'));
      },
    });
    await expect(interrupted).rejects.toThrow('stop');
    expect((await readRunState(checkpointPath(cut))).step).toBe(3);
    await train(options(cut, 4, true));
    const [a, b] = await Promise.all([tensors(checkpointPath(straight)), tensors(checkpointPath(cut))]);
    for (const [key, values] of a) expect(b.get(key), key).toEqual(values);
  });

  it('stop at step 2 + resume to 4 equals 4 uninterrupted steps', async () => {
    const straight = join(root, 'straight');
    const split = join(root, 'split');
    await train(options(straight, 4, false));
    await train(options(split, 2, false));
    const resumed = await train(options(split, 4, true));
    expect(resumed.state.step).toBe(4);
    const a = await tensors(checkpointPath(straight));
    const b = await tensors(checkpointPath(split));
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect([...a.keys()].some((k) => k.startsWith('adam_v/'))).toBe(true);
    for (const [key, values] of a) expect(b.get(key), key).toEqual(values);
    const [stateA, stateB] = await Promise.all([
      readRunState(checkpointPath(straight)),
      readRunState(checkpointPath(split)),
    ]);
    expect(stateB.losses).toEqual(stateA.losses);
    expect(stateA.losses).toHaveLength(4);
  });
});
