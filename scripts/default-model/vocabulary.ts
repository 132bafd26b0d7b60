// Which words the default model's text encoder understands: each maps to one attribute of the image
// set (a colour, a shape, a size or a position). Every other token encodes to the zero vector.
import type { ShapeImage } from './shapes.ts';
import { COLOUR_NAMES, SHAPES } from './shapes.ts';

export const ATTRIBUTES: readonly string[] = [
  ...COLOUR_NAMES,
  ...SHAPES,
  'small',
  'large',
  'center',
  'left',
  'right',
  'top',
  'bottom',
];

/** Words (single CLIP tokens) and the attribute each names; synonyms share an attribute. */
export const WORDS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(ATTRIBUTES.map((a) => [a, a])),
  violet: 'purple',
  circles: 'circle',
  disc: 'circle',
  disk: 'circle',
  dot: 'circle',
  squares: 'square',
  box: 'square',
  crosses: 'cross',
  plus: 'cross',
  rings: 'ring',
  donut: 'ring',
  little: 'small',
  tiny: 'small',
  big: 'large',
  centre: 'center',
  middle: 'center',
  upper: 'top',
  lower: 'bottom',
};

export function attributeIndex(name: string): number {
  const i = ATTRIBUTES.indexOf(name);
  if (i < 0) throw new Error(`Unknown attribute ${name}`);
  return i;
}

/** The attributes an image has, as indices into ATTRIBUTES. */
export function imageAttributes(image: Pick<ShapeImage, 'colour' | 'shape' | 'size' | 'position'>): number[] {
  return [image.colour, image.shape, image.size, image.position].map(attributeIndex);
}

/** CLIP token id of each word as a whole word (`word</w>`), from the tokenizer's vocab.json. */
export function wordTokenIds(vocab: Readonly<Record<string, number>>): Map<string, number> {
  const ids = new Map<string, number>();
  for (const word of Object.keys(WORDS)) {
    const id = vocab[`${word}</w>`];
    if (id === undefined) throw new Error(`"${word}" is not a single CLIP token; pick another word`);
    ids.set(word, id);
  }
  return ids;
}
