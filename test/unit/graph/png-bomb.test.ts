// Regression: text chunks were inflated without a limit, so a 1 MB PNG could
// cost gigabytes. Each case reads a crafted PNG in a child process and checks its peak memory.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crc32, createDeflate, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGraphTextChunks } from '../../../main/graph/png-text.ts';

const run = promisify(execFile);
const BOMB_BYTES = 512 * 1024 * 1024;
/** Node + tsx + a 16 MiB text allowance; the unbounded reader needed over BOMB_BYTES. */
const PEAK_RSS_LIMIT = 200 * 1024 * 1024;

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function png(...texts: Buffer[]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; // bit depth 8, colour type 0 (grey)
  const pixels = deflateSync(Buffer.from([0, 0])); // one filter byte, one pixel
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    ...texts,
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** zlib of BOMB_BYTES zeros, streamed so this process never holds them. */
async function zeroBomb(): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (part: Buffer) => parts.push(part));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < BOMB_BYTES; written += zeros.length) {
    if (!deflate.write(zeros)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return Buffer.concat(parts);
}

const ztxt = (keyword: string, zlib: Buffer) =>
  chunk('zTXt', Buffer.concat([Buffer.from(`${keyword}\0\0`, 'latin1'), zlib]));
const itxtCompressed = (keyword: string, zlib: Buffer) =>
  chunk('iTXt', Buffer.concat([Buffer.from(`${keyword}\0\x01\0\0\0`, 'latin1'), zlib]));
const text = (keyword: string, value: string) => chunk('tEXt', Buffer.from(`${keyword}\0${value}`, 'latin1'));

let dir: string;
let bomb: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diffgraph-png-bomb-'));
  bomb = await zeroBomb();
}, 30_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readInChild(
  name: string,
  file: Buffer,
): Promise<{ keywords?: string[]; error?: string; peakRssBytes: number }> {
  const path = join(dir, name);
  await writeFile(path, file);
  const child = join(import.meta.dirname, 'png-bomb-child.ts');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, path], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}

describe('PNG text inflation is bounded', () => {
  it('the bomb is what it claims: under 1 MB on disk, 512 MiB inflated', () => {
    expect(bomb.length).toBeLessThan(1024 * 1024);
  });

  it('never inflates a chunk that cannot carry a graph, and still finds the graph', async () => {
    const file = png(
      ztxt('Comment', bomb),
      itxtCompressed('XML:com.adobe.xmp', bomb),
      text('diffgraph', '{}'),
    );
    const result = await readInChild('unrelated.png', file);
    expect(result.error).toBeUndefined();
    expect(result.keywords).toEqual(['diffgraph']);
    expect(result.peakRssBytes).toBeLessThan(PEAK_RSS_LIMIT);
  }, 30_000);

  it('stops a graph-carrying chunk at the limit with a clear error', async () => {
    for (const [name, file] of [
      ['workflow.png', png(ztxt('workflow', bomb))],
      ['prompt.png', png(itxtCompressed('prompt', bomb))],
    ] as const) {
      const result = await readInChild(name, file);
      expect(result.error).toMatch(/the PNG's "(workflow|prompt)" text inflates to more than 16777216 bytes/);
      expect(result.peakRssBytes).toBeLessThan(PEAK_RSS_LIMIT);
    }
  }, 30_000);

  it('exposes Diffgraph, ComfyUI and A1111 chunks, compressed or not', () => {
    const file = png(
      text('Software', 'x'),
      ztxt('workflow', deflateSync(Buffer.from('{"nodes":[]}'))),
      itxtCompressed('prompt', deflateSync(Buffer.from('{"1":{}}'))),
      text('parameters', 'a cat, Steps: 20'),
      text('diffgraph', '{}'),
    );
    expect(readGraphTextChunks(file)).toEqual([
      { keyword: 'workflow', text: '{"nodes":[]}', chunk: 'zTXt' },
      { keyword: 'prompt', text: '{"1":{}}', chunk: 'iTXt' },
      { keyword: 'parameters', text: 'a cat, Steps: 20', chunk: 'tEXt' },
      { keyword: 'diffgraph', text: '{}', chunk: 'tEXt' },
    ]);
  });

  it('reports bad zlib data in a graph chunk as a message, not a crash', () => {
    expect(() => readGraphTextChunks(png(ztxt('workflow', Buffer.from('not zlib'))))).toThrow(
      /the PNG's "workflow" text is not valid zlib data/,
    );
  });
});
