// Shared helpers for the default-model tests: the shipped folder, its sessions, prompts as token ids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { BUNDLED_MODELS_DIR } from '../../../main/paths.ts';

export const MODEL_DIR = join(BUNDLED_MODELS_DIR, 'diffgraph-shapes');

const sessions = new Map<string, Promise<ort.InferenceSession>>();
export function shippedSession(
  part: 'text_encoder' | 'unet' | 'vae_encoder' | 'vae_decoder',
): Promise<ort.InferenceSession> {
  const known = sessions.get(part);
  if (known) return known;
  const created = ort.InferenceSession.create(join(MODEL_DIR, part, 'model.onnx'), {
    executionProviders: ['cpu'],
  });
  sessions.set(part, created);
  return created;
}

export function shippedJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(MODEL_DIR, path), 'utf8'));
}

const vocab = JSON.parse(readFileSync(join(MODEL_DIR, 'tokenizer', 'vocab.json'), 'utf8')) as Record<
  string,
  number
>;

/** 77 ids for whole lower-case words (each must be one CLIP token): BOS, words, EOS, EOS padding. */
export function wordIds(words: string[]): Int32Array {
  const ids = new Int32Array(77).fill(49407);
  ids[0] = 49406;
  words.forEach((w, i) => {
    const id = vocab[`${w}</w>`];
    if (id === undefined) throw new Error(`${w} is not one token`);
    ids[i + 1] = id;
  });
  return ids;
}

/** last_hidden_state [n, 77, 768] for several word lists. */
export async function encodeWords(prompts: string[][]): Promise<ort.Tensor> {
  const te = await shippedSession('text_encoder');
  const ids = new Int32Array(prompts.length * 77);
  prompts.forEach((p, i) => {
    ids.set(wordIds(p), i * 77);
  });
  return (await te.run({ input_ids: new ort.Tensor('int32', ids, [prompts.length, 77]) })).last_hidden_state;
}

/** ᾱ_t straight from the scaled_linear definition, linear between integer steps. */
export function alphaBar(t: number): number {
  const table: number[] = [];
  let prod = 1;
  for (let s = 0; s < 1000; s++) {
    const root = Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * s) / 999;
    prod *= 1 - root * root;
    table.push(prod);
  }
  const lo = Math.floor(t);
  return lo >= 999 ? table[999] : table[lo] + (t - lo) * (table[lo + 1] - table[lo]);
}
