// TextEncode on a CLIP from LoadCheckpoint (the generated tiny SD 1.x checkpoint): clip skip 1 and
// 2 equal the original implementation's last and penultimate+final-norm states (recorded fixtures),
// and prompt weights follow A1111's formula computed here from the unweighted states.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textNodes } from '../../../nodes/text.ts';
import type { Conditioning, TextEncoderModel } from '../../../nodes/types.ts';
import {
  expectClose,
  keepTokens,
  reference,
  referenceMeta,
  writeTinyCheckpoint,
} from '../../unit/checkpoint/reference.ts';
import { fakeContext } from '../../unit/fake-services.ts';
import { SLOW_TEST_MS } from '../cli/harness.ts';
import { loadTinyCheckpoint, type TinyCheckpointRuntime } from './tiny-checkpoint-runtime.ts';

const PROMPT = 'a photo of a cat';
/** The reference run on this checkpoint's text encoder (scripts/reference/text.py, part "checkpoint"). */
const DIR = 'text/sd1-checkpoint';
let clip: TextEncoderModel;

let setup: TinyCheckpointRuntime;

beforeAll(async () => {
  setup = await loadTinyCheckpoint('tiny-sd1');
  clip = setup.loaded.clip;
}, SLOW_TEST_MS);

afterAll(() => setup?.remove());

const node = textNodes.find((n) => n.type === 'TextEncode');

async function textEncode(text: string, clipSkip = 1): Promise<Conditioning> {
  const out = await node?.run(fakeContext().ctx, { clip, text, clip_skip: clipSkip });
  return (out as { conditioning: Conditioning }).conditioning;
}

/** Row 0 of a [2, kept, W] fixture (the fixture's first prompt). */
function firstRow(name: string) {
  const all = reference(DIR, name);
  const [, kept, width] = all.shape;
  return { data: all.data.subarray(0, kept * width), shape: [1, kept, width] };
}

describe('TextEncode clip skip', () => {
  const kept = referenceMeta(DIR).kept_tokens as number[];
  const tokens = (c: Conditioning) => keepTokens(c.data, 1, c.shape[1], c.shape[2], kept);

  it('regenerates the checkpoint the fixtures were computed from, and tokenizes the prompt to their ids', async () => {
    expect((await writeTinyCheckpoint('tiny-sd1')).sha256).toBe(referenceMeta(DIR).sha256);
    const ids = reference(DIR, 'input_ids').data.subarray(0, 77);
    expect(Array.from(clip.tokenize(PROMPT).ids)).toEqual(Array.from(ids));
  });

  it('1 = last layer + final norm, 2 = penultimate layer + final norm (the reference)', async () => {
    expectClose(tokens(await textEncode(PROMPT, 1)), firstRow('last_hidden_state'), 'float32', 'skip 1');
    expectClose(tokens(await textEncode(PROMPT, 2)), firstRow('penultimate_normed'), 'float32', 'skip 2');
  });

  it('refuses a clip skip the encoder does not offer, on the clip_skip widget', async () => {
    await expect(textEncode(PROMPT, 5)).rejects.toMatchObject({ input: 'clip_skip' });
  });
});

/** A1111 ("Original" emphasis): z·w, rescaled so the mean is the unweighted mean. */
function a1111(plain: Conditioning, weights: number[]): Float32Array {
  const [, T, W] = plain.shape;
  const mean = (x: ArrayLike<number>) => Array.from(x).reduce((a, b) => a + b, 0) / x.length;
  const scaled = plain.data.map((v, i) => v * (weights[Math.floor(i / W)] ?? 1));
  const factor = mean(plain.data) / mean(scaled);
  expect(scaled.length).toBe(T * W);
  return scaled.map((v) => v * factor);
}

describe('TextEncode prompt weights', () => {
  it('(word:1.0) is the plain prompt', async () => {
    const plain = await textEncode(PROMPT, 2);
    expect(Array.from((await textEncode('a (photo:1.0) of a cat', 2)).data)).toEqual(Array.from(plain.data));
  });

  it('(word:1.5), (word) and [word] scale that token and restore the mean, as A1111', async () => {
    const plain = await textEncode(PROMPT);
    // Token 0 is the start token; "photo" is token 2.
    for (const [text, weight] of [
      ['a (photo:1.5) of a cat', 1.5],
      ['a (photo) of a cat', 1.1],
      ['a [photo] of a cat', 1 / 1.1],
    ] as const) {
      const weighted = await textEncode(text);
      const expected = a1111(plain, [1, 1, weight]);
      expectClose(weighted.data, { data: expected, shape: weighted.shape }, 'float32', text);
      expect(Array.from(weighted.data)).not.toEqual(Array.from(plain.data));
    }
  });
});
