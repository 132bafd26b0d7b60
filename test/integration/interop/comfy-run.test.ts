// ComfyUI and A1111 files run through the real CLI on the shipped shapes model (128×128 images,
// 16×16 latents), and give the same pixels as the hand-written Diffgraph graph they describe.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROOT } from '../../../main/paths.ts';
import { runCli, SLOW_TEST_MS, tempDir } from '../cli/harness.ts';

const FIXTURES = join(APP_ROOT, 'test', 'fixtures', 'comfy');
const at = (name: string) => join(FIXTURES, name);

interface ManifestRun {
  graph: string;
  status: string;
  outputs: { path: string }[];
}

async function pixels(path: string): Promise<Buffer> {
  return sharp(path).raw().toBuffer();
}

describe('running imported ComfyUI and A1111 files', { timeout: SLOW_TEST_MS }, () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, remove } = await tempDir('comfy-run'));
  });
  afterAll(() => remove());

  it('runs every default-workflow variant to the image the equivalent Diffgraph graph makes', async () => {
    const files = [
      'default-expected.json',
      'default-ui-0.4.json',
      'default-ui-1.json',
      'default-api.json',
      'comfy-both-chunks.png',
      'comfy-animated.webp',
      'subgraph-nested-ui-1.json',
      'a1111-basic.png',
    ].map(at);
    const out = join(dir, 'out');
    const result = await runCli(['run', ...files, '--out', out]);
    expect(result.stderr).toContain('imported from comfy-ui: 0 node(s) kept as placeholders');
    expect(result.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      runs: ManifestRun[];
    };
    expect(manifest.runs.map((r) => r.status)).toEqual(Array(8).fill('done'));
    const images = await Promise.all(manifest.runs.map((r) => pixels(resolve(out, r.outputs[0].path))));
    expect(images[0].length).toBe(128 * 128 * 3);
    for (const image of images.slice(1, 7)) expect(image.equals(images[0])).toBe(true);
    expect(images[7].length).toBe(128 * 128 * 3);
  });

  it('`diffgraph import` writes a graph that validates, and prints the report', async () => {
    const out = join(dir, 'imported.json');
    const result = await runCli(['import', at('lora-workflow-ui-1.json'), '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported from comfy-ui: 1 node(s) kept as placeholders');
    expect(result.stdout).toContain('unmapped 12 (ImageFilterPlus)');
    const written = JSON.parse(await readFile(out, 'utf8')) as { nodes: Record<string, { type: string }> };
    expect(written.nodes['12'].type).toBe('comfy:ImageFilterPlus');
    const validated = await runCli(['validate', out, '--json']);
    const problems = JSON.parse(validated.stdout) as { nodeId: string; code: string }[];
    // what stops it running is exactly the missing piece the report named (the LoRA loader maps to
    // LoadLoRA, CLIPSetLastLayer to SetClipSkip, LatentUpscaleBy to UpscaleLatentBy)
    const unknown = problems.filter((p) => p.code === 'unknown-node-type').map((p) => p.nodeId);
    expect(unknown.sort()).toEqual(['12']);
  });

  it('`diffgraph import --models` finds a renamed checkpoint by the sha256 the workflow records', async () => {
    const models = join(dir, 'models');
    await mkdir(join(models, 'checkpoints'), { recursive: true });
    const bytes = Buffer.from('stand-in checkpoint bytes');
    await writeFile(join(models, 'checkpoints', 'renamed.safetensors'), bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const workflow = {
      last_node_id: 4,
      last_link_id: 0,
      nodes: [
        {
          id: 4,
          type: 'CheckpointLoaderSimple',
          pos: [0, 0],
          size: [300, 100],
          widgets_values: ['gone.safetensors'],
        },
      ],
      links: [],
      models: [{ name: 'gone.safetensors', hash: sha256, hash_type: 'SHA256' }],
      version: 0.4,
    };
    await writeFile(join(dir, 'renamed-model.json'), JSON.stringify(workflow));
    const out = join(dir, 'renamed-model-graph.json');
    const result = await runCli([
      'import',
      join(dir, 'renamed-model.json'),
      '--out',
      out,
      '--models',
      models,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `model: "gone.safetensors" of node 4 not found; matched by its sha256 ${sha256}: renamed.safetensors in ${join(models, 'checkpoints')}`,
    );
    const written = JSON.parse(await readFile(out, 'utf8')) as { nodes: Record<string, unknown> };
    expect(written.nodes['4']).toMatchObject({
      type: 'LoadCheckpoint',
      widgets: { checkpoint: 'renamed.safetensors' },
    });
    // `diffgraph validate` on the workflow itself matches the model the same way.
    const validated = await runCli(['validate', join(dir, 'renamed-model.json'), '--models', models]);
    expect(validated.stderr).toContain(`matched by its sha256 ${sha256}: renamed.safetensors`);
    expect(validated.stdout).not.toContain('gone.safetensors');
  });

  it('`diffgraph import` refuses a file that is no ComfyUI/A1111 file, with exit code 2', async () => {
    const result = await runCli(['import', at('default-expected.json'), '--out', join(dir, 'x.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not a ComfyUI workflow or prompt');
  });

  it('`diffgraph export` writes API and UI files that run to the same image as the graph', async () => {
    const api = join(dir, 'prompt.json');
    const ui = join(dir, 'workflow.json');
    const graph = join(APP_ROOT, 'graphs', 'default.json');
    expect((await runCli(['export', graph, '--comfy-api', '--out', api])).code).toBe(0);
    expect((await runCli(['export', graph, '--comfy-ui', '--out', ui])).code).toBe(0);
    const out = join(dir, 'exported');
    const result = await runCli(['run', graph, api, ui, '--out', out]);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      runs: ManifestRun[];
    };
    const images = await Promise.all(manifest.runs.map((r) => pixels(resolve(out, r.outputs[0].path))));
    expect(images).toHaveLength(3);
    expect(images[1].equals(images[0])).toBe(true);
    expect(images[2].equals(images[0])).toBe(true);
  });

  it('runs a two-part KSamplerAdvanced chain to the image one KSampler makes, and upscales its latent', async () => {
    type Prompt = Record<string, { class_type: string; inputs: Record<string, unknown> }>;
    const source = JSON.parse(await readFile(at('two-pass-api.json'), 'utf8')) as Prompt;
    // The shapes model's text encoder has only its last layer: drop CLIPSetLastLayer here.
    const { '11': _clipSkip, ...base } = source;
    base['6'] = { ...base['6'], inputs: { ...base['6'].inputs, clip: ['4', 1] } };
    const upscaled = base;
    const chained: Prompt = {
      ...base,
      '8': { ...base['8'], inputs: { ...base['8'].inputs, samples: ['16', 0] } },
    };
    delete chained['17'];
    const { add_noise, noise_seed, start_at_step, end_at_step, return_with_leftover_noise, ...common } =
      base['3'].inputs;
    const single: Prompt = {
      ...chained,
      '16': { class_type: 'KSampler', inputs: { ...common, seed: noise_seed, denoise: 1 } },
    };
    delete single['3'];
    const files = { upscaled, chained, single };
    for (const [name, prompt] of Object.entries(files))
      await writeFile(join(dir, `${name}.json`), JSON.stringify(prompt));
    const out = join(dir, 'two-pass');
    const result = await runCli([
      'run',
      ...Object.keys(files).map((n) => join(dir, `${n}.json`)),
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as {
      runs: ManifestRun[];
    };
    const paths = manifest.runs.map((r) => resolve(out, r.outputs[0].path));
    expect(await sharp(paths[0]).metadata()).toMatchObject({ width: 192, height: 128 });
    const [chainedPixels, singlePixels] = await Promise.all([pixels(paths[1]), pixels(paths[2])]);
    let worst = 0;
    for (let i = 0; i < chainedPixels.length; i++)
      worst = Math.max(worst, Math.abs(chainedPixels[i] - singlePixels[i]));
    expect(worst).toBeLessThanOrEqual(1); // float32 rounding between the two parts, at most one 8-bit level
  });
});
