import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { extractGraphFromPng } from '../../../main/graph/png-text.ts';
import { decodeImageFile, encodePng } from '../../../main/runtime/image-io.ts';
import { modelSha256 } from '../../../main/runtime/model-scan.ts';
import { NodeInputError } from '../../../nodes/api.ts';
import { imageNodes } from '../../../nodes/image.ts';
import type { ImageBatch } from '../../../nodes/types.ts';
import { ensureFixtureModels } from '../../fixtures/models.ts';
import { testContext, testRuntime } from './runtime-services.ts';

const node = (type: string) => {
  const def = imageNodes.find((n) => n.type === type);
  if (!def) throw new Error(`no ${type}`);
  return def;
};

/** Every value a multiple of 1/255, so 8-bit PNG round trips are exact. */
function gradient(batch: number, height: number, width: number): ImageBatch {
  const data = Float32Array.from({ length: batch * height * width * 3 }, (_, i) => ((i * 7) % 256) / 255);
  return { data, shape: [batch, height, width, 3] };
}

function folders() {
  const root = mkdtempSync(join(tmpdir(), 'image-nodes-'));
  return { models: join(root, 'models'), input: join(root, 'input'), output: join(root, 'output'), root };
}

describe('PNG encode/decode', () => {
  it('round-trips 8-bit values exactly', async () => {
    const image = gradient(2, 5, 7);
    const dir = mkdtempSync(join(tmpdir(), 'png-'));
    writeFileSync(join(dir, 'b.png'), await encodePng(image, 1));
    const back = await decodeImageFile(join(dir, 'b.png'));
    expect(back.shape).toEqual([1, 5, 7, 3]);
    const size = 5 * 7 * 3;
    expect(Array.from(back.data)).toEqual(Array.from(image.data.slice(size, 2 * size)));
  });
});

describe('LoadImage', () => {
  it('loads a file from the input folder as RGB, dropping alpha', async () => {
    const paths = folders();
    const rgba = Buffer.from([255, 0, 0, 128, 0, 255, 0, 255]);
    mkdirSync(paths.input, { recursive: true });
    await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } })
      .png()
      .toFile(join(paths.input, 'rgba.png'));
    const ctx = testContext(testRuntime({ ...paths }));
    const { image } = (await node('LoadImage').run(ctx, { image: 'rgba.png' })) as { image: ImageBatch };
    expect(image.shape).toEqual([1, 1, 2, 3]);
    expect(Array.from(image.data)).toEqual([1, 0, 0, 0, 1, 0]);
  });

  it('names the missing file and the input folder', async () => {
    const paths = folders();
    const ctx = testContext(testRuntime({ ...paths }));
    const error = await node('LoadImage')
      .run(ctx, { image: 'nope.png' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(NodeInputError);
    expect(error.input).toBe('image');
    expect(error.message).toBe(
      `image file ${join(paths.input, 'nope.png')} not found (names are relative to the input folder ${paths.input})`,
    );
  });

  it('says an undecodable file is not an image', async () => {
    const paths = folders();
    mkdirSync(paths.input, { recursive: true });
    writeFileSync(join(paths.input, 'broken.png'), 'definitely not a PNG');
    const ctx = testContext(testRuntime({ ...paths }));
    await expect(node('LoadImage').run(ctx, { image: 'broken.png' })).rejects.toThrow(
      new RegExp(
        `^${join(paths.input, 'broken.png').replace(/[.]/g, '\\.')} could not be decoded as an image \\(expected PNG, JPEG`,
      ),
    );
  });

  it('refuses names that leave the input folder', async () => {
    const ctx = testContext(testRuntime({ ...folders() }));
    await expect(node('LoadImage').run(ctx, { image: '../secret.png' })).rejects.toThrow(/leaves its folder/);
  });

  it('reads an absolute path outside the input folder only under the CLI policy', async () => {
    const paths = folders();
    mkdirSync(paths.input, { recursive: true });
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'image-elsewhere-')), 'red.png');
    writeFileSync(elsewhere, await encodePng(gradient(1, 2, 2), 0));
    const error = await node('LoadImage')
      .run(testContext(testRuntime({ ...paths })), { image: elsewhere })
      .catch((e) => e);
    expect(error).toBeInstanceOf(NodeInputError);
    expect(error.input).toBe('image');
    expect(error.message).toContain(`image "${elsewhere}" is an absolute path outside the allowed folders`);
    expect(error.message).toContain(`allowed folders: ${paths.input}`);
    const cli = testContext(testRuntime({ ...paths, allowAbsolutePaths: true }));
    const { image } = (await node('LoadImage').run(cli, { image: elsewhere })) as { image: ImageBatch };
    expect(Array.from(image.data)).toEqual(Array.from(gradient(1, 2, 2).data));
  });

  it('refuses a symlink in the input folder that leads outside it', async () => {
    const paths = folders();
    mkdirSync(paths.input, { recursive: true });
    const elsewhere = mkdtempSync(join(tmpdir(), 'image-elsewhere-'));
    writeFileSync(join(elsewhere, 'red.png'), await encodePng(gradient(1, 2, 2), 0));
    symlinkSync(join(elsewhere, 'red.png'), join(paths.input, 'linked.png'));
    const error = await node('LoadImage')
      .run(testContext(testRuntime({ ...paths })), { image: 'linked.png' })
      .catch((e) => e);
    expect(error).toMatchObject({
      input: 'image',
      message: `image "linked.png" leads outside the allowed folders through a symbolic link (refused; allowed folders: ${paths.input})`,
    });
  });
});

describe('SaveImage', () => {
  it('writes numbered PNGs carrying the graph and reports them with the seed', async () => {
    const paths = folders();
    const graph = {
      format: 'diffgraph',
      version: 1,
      nodes: { s: { type: 'Sampler', widgets: { seed: 1234 }, position: [0, 0] } },
      edges: [],
    };
    const ctx = testContext(testRuntime({ ...paths }), 'n1', graph);
    const image = gradient(2, 4, 6);
    await node('SaveImage').run(ctx, { image, prefix: 'cats/cat' });
    const first = join(paths.output, 'cats', 'cat_00001.png');
    const second = join(paths.output, 'cats', 'cat_00002.png');
    expect(ctx.outputs.map((o) => o.path)).toEqual([first, second]);
    expect(ctx.outputs[0].kind).toBe('image');
    expect(ctx.outputs[0].meta).toMatchObject({
      seed: 1234,
      seeds: { s: 1234 },
      batchIndex: 0,
      width: 6,
      height: 4,
    });
    expect(extractGraphFromPng(readFileSync(first))).toEqual(graph);
    const pixels = await decodeImageFile(second);
    expect(Array.from(pixels.data)).toEqual(Array.from(image.data.slice(4 * 6 * 3)));
    // Never overwrites: a second run continues the numbering.
    await node('SaveImage').run(ctx, { image: gradient(1, 4, 6), prefix: 'cats/cat' });
    expect(ctx.outputs[2].path).toBe(join(paths.output, 'cats', 'cat_00003.png'));
  });

  it('rejects prefixes that leave the output folder', async () => {
    const paths = folders();
    const ctx = testContext(testRuntime({ ...paths }));
    const error = await node('SaveImage')
      .run(ctx, { image: gradient(1, 2, 2), prefix: '../escape' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(NodeInputError);
    expect(error.input).toBe('prefix');
    expect(existsSync(join(paths.root, 'escape_00001.png'))).toBe(false);
  });

  it('refuses a prefix sub-folder that is a symlink out of the output folder', async () => {
    const paths = folders();
    mkdirSync(paths.output, { recursive: true });
    const elsewhere = mkdtempSync(join(tmpdir(), 'image-elsewhere-'));
    symlinkSync(elsewhere, join(paths.output, 'linked'));
    const error = await node('SaveImage')
      .run(testContext(testRuntime({ ...paths })), { image: gradient(1, 2, 2), prefix: 'linked/cat' })
      .catch((e) => e);
    expect(error).toMatchObject({
      input: 'prefix',
      message: expect.stringMatching(/through a symbolic link/),
    });
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('records name and content hash of the models the graph names in the embedded graph', async () => {
    const f = await ensureFixtureModels();
    const paths = folders();
    cpSync(f.pipelines.tinySd, join(paths.models, 'sd'), { recursive: true });
    const stale = { name: 'sd', sha256: '0'.repeat(64) };
    const graph = {
      format: 'diffgraph',
      version: 1,
      nodes: {
        load: { type: 'LoadPipeline', widgets: { model: 'sd', device: 'cpu' }, position: [0, 0] },
        unet: { type: 'LoadUNet', widgets: { file: 'gone.onnx' }, position: [0, 0] },
      },
      edges: [],
      models: [stale, { name: 'gone.onnx', sha256: 'ab'.repeat(32) }],
    };
    const ctx = testContext(testRuntime({ ...paths }), 'n1', graph);
    await node('SaveImage').run(ctx, { image: gradient(1, 2, 2), prefix: 'm' });
    const embedded = extractGraphFromPng(readFileSync(ctx.outputs[0].path)) as typeof graph;
    // The model found here is recorded with its hash; the missing one keeps the hash the graph had.
    expect(embedded.models).toEqual([
      { name: 'gone.onnx', sha256: 'ab'.repeat(32) },
      { name: 'sd', sha256: await modelSha256(f.pipelines.tinySd) },
    ]);
    expect({ ...embedded, models: undefined }).toEqual({ ...graph, models: undefined });
  });
});

describe('PreviewImage', () => {
  it('writes temporary previews under the output folder and marks them as previews', async () => {
    const paths = folders();
    const ctx = testContext(testRuntime({ ...paths }));
    await node('PreviewImage').run(ctx, { image: gradient(1, 3, 3) });
    expect(ctx.outputs).toEqual([
      {
        kind: 'image',
        path: join(paths.output, '.previews', 'preview_00001.png'),
        meta: { preview: true, batchIndex: 0, width: 3, height: 3 },
      },
    ]);
    expect(extractGraphFromPng(readFileSync(ctx.outputs[0].path))).toBeNull();
  });
});
