import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { embedGraphInPng, extractGraphFromPng, readPngTextChunks } from '../../../main/graph/png-text.ts';

async function samplePng(): Promise<Buffer> {
  const rgb = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
  return sharp(rgb, { raw: { width: 2, height: 2, channels: 3 } })
    .png()
    .toBuffer();
}

/** Independent walk over the chunk list checking every CRC. */
function chunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const crc = png.readUInt32BE(offset + 8 + length);
    expect(crc32(png.subarray(offset + 4, offset + 8 + length))).toBe(crc);
    types.push(type);
    offset += 12 + length;
  }
  return types;
}

describe('PNG text chunks', () => {
  const graph = { format: 'diffgraph', version: 1, title: 'Ünïcode ✓ 猫', nodes: {}, edges: [] };

  it('round-trips a graph through an iTXt chunk placed after IHDR', async () => {
    const png = await samplePng();
    const withGraph = embedGraphInPng(png, graph);
    expect(extractGraphFromPng(withGraph)).toEqual(graph);
    const types = chunkTypes(withGraph);
    expect(types.slice(0, 2)).toEqual(['IHDR', 'iTXt']);
    expect(types.at(-1)).toBe('IEND');
  });

  it('leaves the pixels intact and is readable by sharp', async () => {
    const png = await samplePng();
    const withGraph = embedGraphInPng(png, graph);
    const before = await sharp(png).raw().toBuffer();
    const after = await sharp(withGraph).raw().toBuffer();
    expect(after.equals(before)).toBe(true);
    const { comments } = await sharp(withGraph).metadata();
    expect(comments?.find((c) => c.keyword === 'diffgraph')?.text).toBe(JSON.stringify(graph));
  });

  it('replaces a graph embedded earlier instead of adding a second one', async () => {
    const twice = embedGraphInPng(embedGraphInPng(await samplePng(), { old: true }), graph);
    expect(readPngTextChunks(twice).filter((t) => t.keyword === 'diffgraph')).toHaveLength(1);
    expect(extractGraphFromPng(twice)).toEqual(graph);
  });

  it('reads tEXt chunks written by other tools and returns null without a graph', async () => {
    const png = await sharp(await samplePng())
      .withMetadata({})
      .png()
      .toBuffer();
    expect(extractGraphFromPng(png)).toBeNull();
    // Build a tEXt chunk by hand, as ComfyUI writes its workflow.
    const body = Buffer.from('workflow\u0000{"a":1}', 'latin1');
    const chunk = Buffer.alloc(12 + body.length);
    chunk.writeUInt32BE(body.length, 0);
    chunk.write('tEXt', 4, 'latin1');
    body.copy(chunk, 8);
    chunk.writeUInt32BE(crc32(Buffer.concat([Buffer.from('tEXt'), body])), 8 + body.length);
    const withText = Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]);
    expect(readPngTextChunks(withText)).toContainEqual({
      keyword: 'workflow',
      text: '{"a":1}',
      chunk: 'tEXt',
    });
  });

  it('rejects files that are not PNGs', () => {
    expect(() => extractGraphFromPng(Buffer.from('{"format":"diffgraph"}'))).toThrow('not a PNG file');
  });
});
