// --seed / --seeds / --repeat: which seeds a batch runs.
import { InvalidArgumentError } from 'commander';

const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** A whole number >= `min` (commander argument parser). */
export function parseCount(min: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`expected a whole number >= ${min}, got "${text}"`);
    }
    return value;
  };
}

export const parseSeed = parseCount(0);

/** `A-B` (inclusive range) or `1,5,9`, or a mix (`1-3,10`). Keeps order; duplicates are an error. */
export function parseSeedList(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from) throw new InvalidArgumentError(`range "${part.trim()}" ends before it starts`);
      if (to - from >= 1_000_000)
        throw new InvalidArgumentError(`range "${part.trim()}" has over a million seeds`);
      for (let seed = from; seed <= to; seed += 1) seeds.push(seed);
    } else {
      seeds.push(parseSeed(part.trim()));
    }
  }
  const bad = seeds.find((seed) => seed > MAX_SEED);
  if (bad !== undefined) throw new InvalidArgumentError(`seed ${bad} is larger than ${MAX_SEED}`);
  const duplicate = seeds.find((seed, index) => seeds.indexOf(seed) !== index);
  if (duplicate !== undefined) throw new InvalidArgumentError(`seed ${duplicate} is listed twice`);
  return seeds;
}
