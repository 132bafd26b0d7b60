import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadGraphFile, parseGraphJson } from '../../../main/graph/load.ts';
import { decodeImageFile, encodePng } from '../../../main/runtime/image-io.ts';
import { loadedModels, unloadModels } from '../../../main/runtime/index.ts';
import { modelSha256 } from '../../../main/runtime/model-scan.ts';
import type { ImageBatch } from '../../../nodes/types.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { img2imgGraph, runGraph, type TestFolders, tempFolders, testEngine, txt2imgGraph } from './graphs.ts';

let f: FixtureModels;
let folders: TestFolders;

beforeAll(async () => {
  f = await ensureFixtureModels();
  folders = tempFolders(f.modelsDir);
});

function outputPaths(result: { outputs: { path: string }[] }): string[] {
  return result.outputs.map((o) => o.path);
}

function meanAbsDiff(a: ImageBatch, b: ImageBatch): number {
  expect(a.shape).toEqual(b.shape);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

function maxAbsDiff(a: ImageBatch, b: ImageBatch): number {
  let max = 0;
  for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
  return max;
}

describe('txt2img on the fixture pipeline', () => {
  it('runs on the CPU, saving a PNG whose embedded graph reloads identically', async () => {
    const engine = testEngine(folders);
    const graph = txt2imgGraph({ prefix: 'cpu', seed: 7 });
    const { result, events } = await runGraph(engine, graph);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('done');
    const [png] = outputPaths(result);
    expect(png).toBe(join(folders.output, 'cpu_00001.png'));
    expect(result.outputs[0].meta).toMatchObject({ seed: 7, width: 64, height: 64 });
    const image = await decodeImageFile(png);
    expect(image.shape).toEqual([1, 64, 64, 3]);
    // A real picture, not a flat fill.
    const values = new Set(Array.from(image.data.slice(0, 3000), (v) => Math.round(v * 255)));
    expect(values.size).toBeGreaterThan(20);
    expect(
      events.filter((e) => e.type === 'node-progress' && e.nodeId === 'sampler').length,
    ).toBeGreaterThanOrEqual(10);
    const { doc: reloaded } = await loadGraphFile(png);
    // The embedded graph is the one that ran, plus the name and content hash of its model.
    const models = [{ name: 'tiny-sd', sha256: await modelSha256(f.pipelines.tinySd) }];
    expect(reloaded).toEqual(parseGraphJson(JSON.stringify({ ...graph, models }), 'graph.json').doc);
    expect(reloaded.nodes.sampler.widgets.seed).toBe(7);
  });

  it('reruns a saved graph from its PNG to the same pixels, and a new seed changes them', async () => {
    const engine = testEngine(folders);
    const { result } = await runGraph(engine, txt2imgGraph({ prefix: 'again', seed: 11 }));
    const first = outputPaths(result)[0];
    const { doc: reloaded } = await loadGraphFile(first);
    const second = await runGraph(testEngine(folders), reloaded);
    expect(second.result.status).toBe('done');
    expect(Array.from((await decodeImageFile(outputPaths(second.result)[0])).data)).toEqual(
      Array.from((await decodeImageFile(first)).data),
    );
    const other = await runGraph(engine, txt2imgGraph({ prefix: 'again', seed: 12 }));
    const a = await decodeImageFile(first);
    const b = await decodeImageFile(outputPaths(other.result)[0]);
    expect(meanAbsDiff(a, b)).toBeGreaterThan(0.005);
  });

  it('gives the same image on WebGPU as on the CPU, within a small tolerance', async () => {
    const cpu = await runGraph(
      testEngine(folders),
      txt2imgGraph({ prefix: 'dev-cpu', device: 'cpu', steps: 6 }),
    );
    const gpuEngine = testEngine(folders);
    const gpu = await runGraph(gpuEngine, txt2imgGraph({ prefix: 'dev-webgpu', device: 'webgpu', steps: 6 }));
    expect(gpu.result.error).toBeUndefined();
    expect(loadedModels(gpuEngine.runtime).map((m) => m.device)).toEqual(['webgpu', 'webgpu', 'webgpu']);
    const a = await decodeImageFile(outputPaths(cpu.result)[0]);
    const b = await decodeImageFile(outputPaths(gpu.result)[0]);
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(2 / 255);
  });

  it('runs the float16 pipeline to an image close to the float32 one', async () => {
    const fp32 = await runGraph(testEngine(folders), txt2imgGraph({ prefix: 'fp32', steps: 6 }));
    const fp16 = await runGraph(
      testEngine(folders),
      txt2imgGraph({ prefix: 'fp16', model: 'tiny-sd-fp16', steps: 6 }),
    );
    expect(fp16.result.error).toBeUndefined();
    const a = await decodeImageFile(outputPaths(fp32.result)[0]);
    const b = await decodeImageFile(outputPaths(fp16.result)[0]);
    expect(meanAbsDiff(a, b)).toBeLessThan(0.03);
  });

  it("runs the float16 pipeline on WebGPU to the CPU's image, within a small tolerance", async () => {
    const model = 'tiny-sd-fp16';
    const cpu = await runGraph(testEngine(folders), txt2imgGraph({ prefix: 'fp16-cpu', model, steps: 6 }));
    const gpu = await runGraph(
      testEngine(folders),
      txt2imgGraph({ prefix: 'fp16-gpu', model, device: 'webgpu', steps: 6 }),
    );
    expect(gpu.result.error).toBeUndefined();
    const a = await decodeImageFile(outputPaths(cpu.result)[0]);
    const b = await decodeImageFile(outputPaths(gpu.result)[0]);
    // float16 intermediates round differently per provider: a few pixels move by a few levels.
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(8 / 255);
    expect(meanAbsDiff(a, b)).toBeLessThan(0.25 / 255);
  });

  it('runs the pipeline whose U-Net weights are external data', async () => {
    const plain = await runGraph(testEngine(folders), txt2imgGraph({ prefix: 'plain', steps: 4 }));
    const external = await runGraph(
      testEngine(folders),
      txt2imgGraph({ prefix: 'ext', model: 'tiny-sd-external-data', steps: 4 }),
    );
    const a = await decodeImageFile(outputPaths(plain.result)[0]);
    const b = await decodeImageFile(outputPaths(external.result)[0]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('serves a second run of the same graph from loaded sessions and cached results', async () => {
    const engine = testEngine(folders);
    await runGraph(engine, txt2imgGraph({ prefix: 'cache', seed: 3 }));
    const { events } = await runGraph(engine, txt2imgGraph({ prefix: 'cache', seed: 4 }));
    const cached = events
      .filter((e) => e.type === 'node-cached')
      .map((e) => (e as { nodeId: string }).nodeId);
    expect(cached).toEqual(expect.arrayContaining(['load', 'positive', 'negative', 'empty', 'schedule']));
    const ran = events.filter((e) => e.type === 'node-started').map((e) => (e as { nodeId: string }).nodeId);
    expect(ran).toEqual(['sampler', 'decode', 'save']);
  });
});

describe('loaded models', () => {
  it('lists sessions with device and size, and reloads on demand after unloading', async () => {
    const engine = testEngine(folders);
    await runGraph(engine, txt2imgGraph({ prefix: 'unload', seed: 1 }));
    const loaded = loadedModels(engine.runtime);
    expect(loaded.map((m) => m.slot).sort()).toEqual(['text_encoder', 'unet', 'vae_decoder']);
    expect(loaded.every((m) => m.device === 'cpu' && m.bytes > 0)).toBe(true);
    await unloadModels(engine.runtime);
    expect(loadedModels(engine.runtime)).toEqual([]);
    // The engine's cached MODEL/VAE values still work: their sessions load again when used.
    const { result } = await runGraph(engine, txt2imgGraph({ prefix: 'unload', seed: 2 }));
    expect(result.status).toBe('done');
    expect(
      loadedModels(engine.runtime)
        .map((m) => m.slot)
        .sort(),
    ).toEqual(['unet', 'vae_decoder']);
  });
});

describe('img2img through VAEEncode', () => {
  it('stays near the VAE round trip of the input at low denoise and departs from it at full denoise', async () => {
    const source: ImageBatch = {
      data: Float32Array.from({ length: 64 * 64 * 3 }, (_, i) => {
        const p = Math.floor(i / 3);
        const inside = Math.hypot((p % 64) - 32, Math.floor(p / 64) - 32) < 20;
        return inside ? [0.9, 0.2, 0.1][i % 3] : [0.1, 0.2, 0.8][i % 3];
      }),
      shape: [1, 64, 64, 3],
    };
    writeFileSync(join(folders.input, 'circle.png'), await encodePng(source, 0));
    const engine = testEngine(folders);
    // Reference: encode and decode the input without sampling.
    const roundTrip = img2imgGraph('circle.png', 1, { prefix: 'roundtrip' });
    for (const id of ['positive', 'negative', 'schedule', 'sampler']) delete roundTrip.nodes[id];
    roundTrip.edges = roundTrip.edges.filter(
      (e) => ![e.from[0], e.to[0]].some((n) => ['positive', 'negative', 'schedule', 'sampler'].includes(n)),
    );
    roundTrip.edges.push({ from: ['encode', 'latent'], to: ['decode', 'latent'] });
    const reference = await runGraph(engine, roundTrip);
    expect(reference.result.error).toBeUndefined();
    const low = await runGraph(engine, img2imgGraph('circle.png', 0.1, { steps: 20 }));
    expect(low.result.error).toBeUndefined();
    const high = await runGraph(engine, img2imgGraph('circle.png', 1, { steps: 20 }));
    const target = await decodeImageFile(outputPaths(reference.result)[0]);
    const lowImage = await decodeImageFile(outputPaths(low.result)[0]);
    const highImage = await decodeImageFile(outputPaths(high.result)[0]);
    expect(meanAbsDiff(lowImage, target)).toBeLessThan(meanAbsDiff(highImage, target) / 2);
  });
});
