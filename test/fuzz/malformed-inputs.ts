// A seeded generator of malformed graph files and PNGs for the fuzz test: mutations of
// the shipped default graph (wrong types, missing and extra fields, hostile ids, bad wires, huge
// sizes, deep nesting, broken JSON text) and of a PNG carrying it (bad chunks, bad zlib, bombs).
// The same seed always gives the same cases, so a failure names a case that can be replayed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { APP_ROOT } from '../../main/paths.ts';

export interface FuzzCase {
  name: string;
  ext: '.json' | '.png';
  bytes: Buffer;
}

/** mulberry32: a small, well-mixed 32-bit PRNG. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown>;
const BASE = readFileSync(join(APP_ROOT, 'graphs', 'default.json'), 'utf8');

const WEIRD_VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1e308,
  -1e308,
  2 ** 53 + 1,
  0.5,
  '',
  'abc',
  '12',
  [],
  {},
  [1, 2],
  { a: 1 },
  'x'.repeat(5000),
  '\u001b[2J\u0007',
  '../../etc/passwd',
  '/dev/zero',
  8192,
  64,
  12,
  1e9,
];
const HOSTILE_IDS = [
  'constructor',
  'toString',
  '__proto__',
  'valueOf',
  'hasOwnProperty',
  '',
  ' ',
  '\u001b]0;x\u0007',
  'a'.repeat(300),
  '💥',
  '.',
  '..',
];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { n: value };
  return value;
}

/** One structural mutation of a parsed graph. */
const MUTATIONS: Array<(doc: Json, rand: () => number) => void> = [
  (doc) => delete doc.format,
  (doc, rand) => (doc.version = pick(rand, [0, 2, '1', null, -1])),
  (doc, rand) => (doc.nodes = pick(rand, [[], null, 'nodes', 1, {}])),
  (doc, rand) => (doc.edges = pick(rand, [{}, null, 'edges', [1, 2], [[1, 2, 3, 4]]])),
  (doc, rand) => {
    const nodes = doc.nodes as Json;
    const id = pick(rand, Object.keys(nodes));
    const node = nodes[id] as Json;
    const widgets = node.widgets as Json;
    const key = pick(rand, Object.keys(widgets).concat(['width', 'batch', 'extra']));
    widgets[key] = pick(rand, WEIRD_VALUES);
  },
  (doc, rand) => {
    const nodes = doc.nodes as Json;
    const id = pick(rand, Object.keys(nodes));
    nodes[pick(rand, HOSTILE_IDS)] = nodes[id];
    delete nodes[id];
  },
  (doc, rand) => {
    const nodes = doc.nodes as Json;
    (nodes[pick(rand, Object.keys(nodes))] as Json).type = pick(rand, [
      '',
      'Nope',
      7,
      null,
      'constructor',
      'SaveImage',
    ]);
  },
  (doc, rand) => {
    const edges = doc.edges as Json[];
    const ids = Object.keys(doc.nodes as Json).concat(HOSTILE_IDS);
    edges.push({
      from: [pick(rand, ids), pick(rand, ['latent', 'image', 'x'])],
      to: [pick(rand, ids), pick(rand, ['latent', 'seed', 'y'])],
    });
  },
  (doc, rand) => {
    const edges = doc.edges as Json[];
    if (edges.length > 0) edges.splice(Math.floor(rand() * edges.length), 1);
  },
  (doc) => {
    // A loop: the sampler's output back into its own latent input.
    (doc.edges as Json[]).push({ from: ['sampler', 'latent'], to: ['sampler', 'latent'] });
  },
  (doc, rand) => {
    const latent = (doc.nodes as Json).latent as Json | undefined;
    if (latent)
      latent.widgets = {
        width: pick(rand, [8192, 12, 7, 0]),
        height: 8192,
        batch: pick(rand, [64, 1, 1000]),
        channels: pick(rand, [4, 64]),
      };
  },
  (doc, rand) =>
    ((doc.nodes as Json)[`deep${Math.floor(rand() * 9)}`] = {
      type: 'Int',
      widgets: {},
      extra: nested(pick(rand, [100, 3000])),
    }),
  (doc, rand) => (doc.title = pick(rand, WEIRD_VALUES)),
  (doc, rand) => {
    for (let i = 0; i < 200; i++)
      (doc.nodes as Json)[`n${i}`] = {
        type: pick(rand, ['Int', 'Float', 'Nope']),
        widgets: { value: pick(rand, WEIRD_VALUES) },
      };
  },
];

/** Text-level damage that no parsed object can express. */
const TEXT_DAMAGE: Array<(text: string, rand: () => number) => string> = [
  (text, rand) => text.slice(0, Math.floor(rand() * text.length)),
  (text) => text.replace('"nodes": {', '"nodes": {"load": {"type": "Int"}, '),
  (text, rand) => {
    const at = Math.floor(rand() * text.length);
    return (
      text.slice(0, at) + pick(rand, ['\u0000', '{', ']', '"', '\\', '\uFFFF', '\uD800']) + text.slice(at)
    );
  },
  () => '[]',
  () => '',
  () => '\uFEFF{"format":"diffgraph","version":1,"nodes":{},"edges":[]}',
  (_text, rand) => `${'['.repeat(10_000 + Math.floor(rand() * 1000))}`,
  (_text, rand) =>
    Buffer.from(Array.from({ length: 512 }, () => Math.floor(rand() * 256))).toString('latin1'),
];

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function png(texts: Buffer[]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    ...texts,
    chunk('IDAT', deflateSync(Buffer.from([0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const text = (keyword: string, value: string) => chunk('tEXt', Buffer.from(`${keyword}\0${value}`, 'latin1'));
const ztxt = (keyword: string, zlib: Buffer) =>
  chunk('zTXt', Buffer.concat([Buffer.from(`${keyword}\0\0`, 'latin1'), zlib]));

/** 64 MiB of zeros compressed (~64 KB): made once, reused by the PNG bomb cases. */
let bomb: Buffer | undefined;
function zlibBomb(): Buffer {
  bomb ??= deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  return bomb;
}

function malformedPng(graphText: string, rand: () => number): Buffer {
  switch (Math.floor(rand() * 9)) {
    case 0:
      return png([text('diffgraph', graphText)]);
    case 1:
      return png([ztxt('diffgraph', deflateSync(Buffer.from(graphText, 'latin1')))]);
    case 2:
      return png([ztxt(pick(rand, ['diffgraph', 'workflow', 'Comment']), zlibBomb())]);
    case 3:
      return png([ztxt('diffgraph', Buffer.from('definitely not zlib'))]);
    case 4: {
      const file = png([text('diffgraph', graphText)]);
      return file.subarray(0, Math.floor(rand() * file.length));
    }
    case 5: {
      const file = Buffer.from(png([text('diffgraph', graphText)]));
      file.writeUInt32BE(0xfffffff0, 8 + 25); // the text chunk claims 4 GB
      return file;
    }
    case 6:
      return Buffer.concat([SIGNATURE, chunk('tEXt', Buffer.from('diffgraph\0{}'))]);
    case 7:
      return png([text('workflow', '{"nodes":[]}'), text('prompt', '{}')]);
    default:
      return Buffer.concat([
        SIGNATURE,
        Buffer.from(Array.from({ length: 256 }, () => Math.floor(rand() * 256))),
      ]);
  }
}

/** `count` malformed cases from `seed`: about two thirds graphs, one third PNGs. */
export function malformedCases(seed: number, count: number): FuzzCase[] {
  const rand = prng(seed);
  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i++) {
    const doc = JSON.parse(BASE) as Json;
    const mutations = 1 + Math.floor(rand() * 3);
    for (let m = 0; m < mutations; m++) {
      const mutate = pick(rand, MUTATIONS);
      try {
        mutate(doc, rand);
      } catch {
        // An earlier mutation broke the shape this one needs (nodes no longer an object): skip it.
      }
    }
    let graphText = JSON.stringify(doc) ?? 'null';
    if (rand() < 0.25) graphText = pick(rand, TEXT_DAMAGE)(graphText, rand);
    const asPng = rand() < 0.33;
    cases.push({
      name: `case-${seed}-${i}`,
      ext: asPng ? '.png' : '.json',
      bytes: asPng ? malformedPng(graphText, rand) : Buffer.from(graphText, 'utf8'),
    });
  }
  return cases;
}
