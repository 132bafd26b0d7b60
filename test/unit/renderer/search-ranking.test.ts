// Name matches first; descriptions match whole word starts, never scattered letters.
import { describe, expect, it } from 'vitest';
import type { NodeSchema } from '../../../nodes/api.ts';
import { searchNodes, wordScore } from '../../../renderer/src/doc/fuzzy.ts';

const node = (type: string, category: string, description: string): NodeSchema => ({
  type,
  displayName: type,
  category,
  description,
  inputs: [],
  widgets: [],
  outputs: [],
});

const CATALOGUE = [
  node('Sampler', 'sampling', 'Denoises a latent; the LATENT it returns is decoded by VAE Decode'),
  node('VAEDecode', 'latent', 'Turns a latent into pixels'),
  node('NoiseSchedule', 'sampling', 'Lays out the noise levels over the steps for a sampler'),
  node('LoraLoader', 'loaders', 'Applies LoRA weights to a model'),
  node('ImageScale', 'image', 'Resizes an image; lower or raise its resolution with area averaging'),
];

describe('node search ranking', () => {
  it('puts name matches before description matches', () => {
    expect(searchNodes(CATALOGUE, 'decode').map((s) => s.type)).toEqual(['VAEDecode', 'Sampler']);
  });

  it('does not match letters scattered through a description', () => {
    // "Lays out the noise levels over ... sampler" and "lower ... resolution ... area" hold l-o-r-a in order.
    expect(searchNodes(CATALOGUE, 'lora').map((s) => s.type)).toEqual(['LoraLoader']);
    expect(wordScore('lora', 'lower or raise its resolution with area averaging')).toBeNull();
  });

  it('finds description words by their start, every query word needed', () => {
    expect(searchNodes(CATALOGUE, 'pix').map((s) => s.type)).toEqual(['VAEDecode']);
    expect(wordScore('latent pixels', 'Turns a latent into pixels')).not.toBeNull();
    expect(wordScore('latent colours', 'Turns a latent into pixels')).toBeNull();
  });

  it('finds nothing for a query nothing fits', () => {
    expect(searchNodes(CATALOGUE, 'qqq')).toEqual([]);
  });
});
