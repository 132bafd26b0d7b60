// Every bad input the runtime nodes can meet, run through the engine: each fails on the node
// with a message naming the widget, the file and what was expected.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../main/engine/events.ts';
import { BUNDLED_MODELS_DIR } from '../../../main/paths.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import {
  runGraph,
  type TestFolders,
  type TestGraph,
  tempFolders,
  testEngine,
  txt2imgGraph,
} from './graphs.ts';

let f: FixtureModels;
let folders: TestFolders;

beforeAll(async () => {
  f = await ensureFixtureModels();
  folders = tempFolders(f.modelsDir);
});

async function failure(graph: TestGraph): Promise<{ nodeId: string | null; message: string }> {
  const { result } = await runGraph(testEngine(folders), graph);
  expect(result.status).toBe('failed');
  return result.error as { nodeId: string | null; message: string };
}

/** txt2img with a LoadUNet in place of the pipeline's model output. */
function withUnetFile(file: string): TestGraph {
  const graph = txt2imgGraph();
  graph.nodes.unet = { type: 'LoadUNet', widgets: { file, device: 'cpu' }, position: [0, 200] };
  graph.edges = graph.edges.map((e) =>
    e.from[0] === 'load' && e.from[1] === 'model' ? { ...e, from: ['unet', 'model'] } : e,
  );
  return graph;
}

const rel = (path: string) => relative(f.modelsDir, path);

describe('bad model inputs', () => {
  it('a missing pipeline names the model, its recorded hash and every folder searched', async () => {
    const graph = txt2imgGraph({ model: 'no-such-model' });
    graph.models = [{ name: 'no-such-model', sha256: 'c0ffee'.padEnd(64, '0') }];
    const error = await failure(graph);
    expect(error.nodeId).toBe('load');
    expect(error.message).toBe(
      `Node "load" (LoadPipeline) failed: model: pipeline "no-such-model" (sha256 ${'c0ffee'.padEnd(64, '0')}) not found; ` +
        `looked in: ${join(f.modelsDir, 'no-such-model')}, ${join(BUNDLED_MODELS_DIR, 'no-such-model')}`,
    );
  });

  it('a folder that is not a pipeline says what a pipeline needs', async () => {
    const error = await failure(txt2imgGraph({ model: rel(f.bad.notAPipeline) }));
    expect(error.message).toContain(
      `model: ${f.bad.notAPipeline} is not a Stable Diffusion pipeline: expected model_index.json`,
    );
  });

  it('a pipeline missing a tokenizer file names the file', async () => {
    const error = await failure(txt2imgGraph({ model: rel(f.bad.pipelineMissingMerges) }));
    expect(error.nodeId).toBe('load');
    expect(error.message).toContain(
      `missing ${join(f.bad.pipelineMissingMerges, 'tokenizer', 'merges.txt')}`,
    );
  });

  it('an ONNX file whose inputs do not fit the slot lists expected and found inputs', async () => {
    const error = await failure(withUnetFile(rel(f.bad.wrongInputsOnnx)));
    expect(error.nodeId).toBe('unet');
    expect(error.message).toContain(`file: ${f.bad.wrongInputsOnnx} does not fit the U-Net slot`);
    expect(error.message).toContain('Expected: sample float32|float16 [batch,C,h,w]');
    expect(error.message).toContain('Found inputs: features: float32[n,10], mask: float32[n,10]');
  });

  it('a model of the wrong kind in a slot is refused too (a VAE decoder as U-Net)', async () => {
    const error = await failure(withUnetFile(rel(f.files.vaeDecoder)));
    expect(error.message).toContain('does not fit the U-Net slot');
    expect(error.message).toContain('Found inputs: latent_sample: float32[batch,4,height,width]');
  });

  it('a corrupt ONNX file is named as corrupt', async () => {
    const error = await failure(withUnetFile(rel(f.bad.corruptOnnx)));
    expect(error.message).toContain(
      `file: ${f.bad.corruptOnnx} is not a valid ONNX model (corrupt or truncated`,
    );
  });

  it('a missing single file names it and the folders searched', async () => {
    const error = await failure(withUnetFile('unets/missing.onnx'));
    expect(error.message).toContain(
      `file: U-Net file "unets/missing.onnx" not found; looked in: ${join(f.modelsDir, 'unets/missing.onnx')}`,
    );
  });

  it('an explicitly requested device that cannot work names the device and the reason', async () => {
    const device = process.platform === 'win32' ? 'coreml' : 'dml';
    const error = await failure(txt2imgGraph({ device }));
    expect(error.message).toMatch(
      new RegExp(`device: device "${device}" could not load .*model\\.onnx: .+ only`),
    );
  });

  it('a VAE encoder file that does not fit fails on the encoder_file widget when loading', async () => {
    const graph = txt2imgGraph();
    graph.nodes.vae = {
      type: 'LoadVAE',
      widgets: { file: rel(f.files.vaeDecoder), encoder_file: rel(f.files.textEncoder), device: 'cpu' },
      position: [0, 300],
    };
    graph.edges = graph.edges.map((e) =>
      e.from[0] === 'load' && e.from[1] === 'vae' ? { ...e, from: ['vae', 'vae'] } : e,
    );
    const error = await failure(graph);
    expect(error.nodeId).toBe('vae');
    expect(error.message).toContain(`encoder_file: ${f.files.textEncoder} does not fit the VAE encoder slot`);
    expect(error.message).toContain('Found inputs: input_ids: int32[batch,77]');
  });

  it('a missing tokenizer folder on LoadTextEncoder names the widget and folder', async () => {
    const graph = txt2imgGraph();
    graph.nodes.text = {
      type: 'LoadTextEncoder',
      widgets: { file: rel(f.files.textEncoder), tokenizer: 'tokenizers/none', device: 'cpu' },
      position: [0, 300],
    };
    graph.edges = graph.edges.map((e) =>
      e.from[0] === 'load' && e.from[1] === 'clip' ? { ...e, from: ['text', 'clip'] } : e,
    );
    const error = await failure(graph);
    expect(error.nodeId).toBe('text');
    expect(error.message).toContain(
      `tokenizer: tokenizer folder "tokenizers/none" not found; looked in: ${join(f.modelsDir, 'tokenizers/none')}`,
    );
  });
});

describe('bad image and text inputs', () => {
  it('an image that cannot be decoded names the file', async () => {
    writeFileSync(join(folders.input, 'broken.png'), 'not an image');
    const graph = txt2imgGraph();
    graph.nodes.image = { type: 'LoadImage', widgets: { image: 'broken.png' }, position: [0, 400] };
    graph.nodes.encode = { type: 'VAEEncode', widgets: {}, position: [200, 400] };
    graph.edges = graph.edges.filter((e) => e.from[0] !== 'empty');
    graph.edges.push(
      { from: ['image', 'image'], to: ['encode', 'image'] },
      { from: ['load', 'vae'], to: ['encode', 'vae'] },
      { from: ['encode', 'latent'], to: ['sampler', 'latent'] },
    );
    delete graph.nodes.empty;
    const error = await failure(graph);
    expect(error.nodeId).toBe('image');
    expect(error.message).toContain(
      `image: ${join(folders.input, 'broken.png')} could not be decoded as an image`,
    );
  });

  it('a prompt over 75 tokens on a U-Net fixed at 77 tokens runs on its first chunk, with a warning on the sampler', async () => {
    const long = Array.from({ length: 90 }, (_, i) => `word${i}`).join(' ');
    const { result, events } = await runGraph(testEngine(folders), txt2imgGraph({ prompt: long, steps: 2 }));
    expect(result.status).toBe('done');
    const warnings = events.filter(
      (e): e is Extract<EngineEvent, { type: 'node-warning' }> => e.type === 'node-warning',
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0].nodeId).toBe('sampler');
    expect(warnings[0].message).toMatch(
      /takes 77 tokens of conditioning; the prompt has \d+ \(\d+ chunks\): only the first chunk is used/,
    );
  });
});
