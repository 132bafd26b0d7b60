// `diffgraph validate`, `diffgraph nodes` and `--help` on every command.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROOT } from '../../../main/paths.ts';
import { GRAPHS_DIR, runCli, SLOW_TEST_MS, tempDir } from './harness.ts';

const TINY = join(GRAPHS_DIR, 'tiny-txt2img.json');
const BUILTIN_TYPES = [
  'LoadPipeline',
  'LoadUNet',
  'LoadTextEncoder',
  'LoadVAE',
  'LoadCheckpoint',
  'LoadLoRA',
  'TextEncode',
  'TextEncodeSDXL',
  'EmptyLatent',
  'AddNoise',
  'SaveLatent',
  'LoadLatent',
  'NoiseSchedule',
  'Sampler',
  'VAEDecode',
  'VAEEncode',
  'LoadImage',
  'PreviewImage',
  'SaveImage',
  'Int',
  'Float',
  'String',
  'Boolean',
  'FID',
  'KID',
  'CLIPScore',
  'UpscaleLatent',
  'UpscaleLatentBy',
  'ZeroConditioning',
  'SetClipSkip',
  'TrainDiffusion',
];

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  temp = await tempDir('validate');
});
afterAll(() => temp.remove());

describe('diffgraph validate', { timeout: SLOW_TEST_MS }, () => {
  it('exits 0 for a valid graph', async () => {
    const result = await runCli(['validate', TINY]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`${TINY}: valid`);
  });

  it('prints every problem on its own line starting with the node id, and exits 2', async () => {
    const graph = JSON.parse(await readFile(TINY, 'utf8'));
    graph.nodes.latent.widgets.width = 'wide';
    graph.nodes.save.type = 'SaveEverything';
    graph.edges.push({ from: ['ghost', 'latent'], to: ['decode', 'latent'] });
    const path = join(temp.dir, 'three-problems.json');
    await writeFile(path, JSON.stringify(graph));
    const result = await runCli(['validate', path]);
    expect(result.code).toBe(2);
    const lines = result.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(new RegExp(`^${path}: \\d+ problem\\(s\\)$`));
    const problems = lines.slice(0, -1);
    expect(problems.some((line) => line.startsWith('latent.width: '))).toBe(true);
    expect(problems.some((line) => line.startsWith('save: ') && line.includes('SaveEverything'))).toBe(true);
    expect(problems.some((line) => line.startsWith('decode') && line.includes('ghost'))).toBe(true);

    const json = await runCli(['validate', path, '--json']);
    expect(json.code).toBe(2);
    const parsed = JSON.parse(json.stdout) as { nodeId: string | null; code: string }[];
    expect(parsed).toHaveLength(problems.length);
    expect(parsed.map((problem) => problem.code)).toEqual(
      expect.arrayContaining(['bad-widget-value', 'unknown-node-type']),
    );
  });

  it('reports node ids repeated in the file text, which the parsed document cannot show', async () => {
    const text = (await readFile(TINY, 'utf8')).replace('"nodes": {', '"nodes": {"save": {"type": "Int"},');
    expect(text).toContain('"save": {"type": "Int"}');
    const path = join(temp.dir, 'repeated-id.json');
    await writeFile(path, text);
    const result = await runCli(['validate', path, '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ nodeId: 'save', code: 'duplicate-id' }),
    ]);
    const run = await runCli(['run', path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('save: Node id "save" is used by more than one node');
  });

  it('checks latent sizes against the model: the shipped model takes 128 px, a 512 px latent is refused', async () => {
    const doc = JSON.parse(await readFile(join(APP_ROOT, 'graphs', 'default.json'), 'utf8'));
    doc.nodes.latent.widgets = { ...doc.nodes.latent.widgets, width: 512, height: 512 };
    const file = join(temp.dir, 'too-big.json');
    await writeFile(file, JSON.stringify(doc));
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('latent.width: The model "diffgraph-shapes" takes 128x128 px images');
  });

  it('exits 2 with a one-line reason for unreadable and non-JSON files', async () => {
    const missing = await runCli(['validate', join(temp.dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([
      `diffgraph: ${join(temp.dir, 'nope.json')}: file not found`,
    ]);

    const garbage = join(temp.dir, 'garbage.json');
    await writeFile(garbage, 'not json at all');
    const notJson = await runCli(['validate', garbage]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^diffgraph: ${garbage}: not valid JSON`)),
    ]);
  });
});

describe('diffgraph nodes', { timeout: SLOW_TEST_MS }, () => {
  it('--json lists every built-in node with its sockets and widgets', async () => {
    const result = await runCli(['nodes', '--json']);
    expect(result.code).toBe(0);
    const nodes = JSON.parse(result.stdout) as {
      type: string;
      inputs: { name: string }[];
      widgets: { name: string; kind: string }[];
      outputs: unknown[];
    }[];
    expect(nodes.map((node) => node.type).sort()).toEqual([...BUILTIN_TYPES].sort());
    const sampler = nodes.find((node) => node.type === 'Sampler');
    expect(sampler?.inputs.map((input) => input.name)).toEqual(
      expect.arrayContaining(['model', 'schedule', 'latent']),
    );
    expect(sampler?.widgets.find((widget) => widget.name === 'seed')?.kind).toBe('seed');
  });

  it('prints a readable listing: one block per node, widgets with their kind and default', async () => {
    const result = await runCli(['nodes']);
    expect(result.code).toBe(0);
    for (const type of BUILTIN_TYPES) expect(result.stdout).toMatch(new RegExp(`^${type}  \\(`, 'm'));
    expect(result.stdout).toMatch(/^ {2}widget {2}steps: int 1\.\.1000 = 20$/m);
  });
});

describe('--help', { timeout: SLOW_TEST_MS }, () => {
  it('every command has help with examples', async () => {
    for (const command of ['run', 'validate', 'nodes', 'models', 'info', 'tokenize', 'serve', 'convert']) {
      const result = await runCli([command, '--help']);
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toContain(`Usage: diffgraph ${command}`);
      expect(result.stdout, command).toContain('Examples:');
    }
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('Examples:');
  });

  it('an unknown command or option is a usage error (exit 2)', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['nodes', '--colour'])).code).toBe(2);
  });
});
