// `diffgraph info`, `models` and `tokenize`: what they print, checked against facts read
// independently (package.json files, the fixture vocabulary, the fixture models folder).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_ROOT } from '../../../main/paths.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import { runCli, SLOW_TEST_MS } from './harness.ts';

const TOKENIZER_DIR = join(APP_ROOT, 'test', 'fixtures', 'clip-tokenizer');

function versionIn(packageJson: string): string {
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

describe('diffgraph info', { timeout: SLOW_TEST_MS }, () => {
  it('--json reports the versions in use and a device `auto` can pick', async () => {
    const result = await runCli(['info', '--json']);
    expect(result.code).toBe(0);
    const info = JSON.parse(result.stdout) as {
      versions: Record<string, string>;
      devices: { name: string; available: boolean }[];
      auto: string;
    };
    expect(info.versions.node).toBe(process.versions.node);
    expect(info.versions.onnxruntime).toBe(
      versionIn(join(APP_ROOT, 'node_modules', 'onnxruntime-node', 'package.json')),
    );
    expect(info.versions.diffgraph).toBe(versionIn(join(APP_ROOT, 'package.json')));
    expect(info.devices.find((device) => device.name === 'cpu')?.available).toBe(true);
    expect(info.devices.filter((device) => device.available).map((device) => device.name)).toContain(
      info.auto,
    );
  });

  it('prints a readable summary naming the device auto picks', async () => {
    const result = await runCli(['info']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^node\\s+${process.versions.node}$`, 'm'));
    expect(result.stdout).toMatch(/^auto picks: (cpu|webgpu|cuda|dml|coreml)$/m);
  });
});

describe('diffgraph models', { timeout: SLOW_TEST_MS }, () => {
  let fixtures: FixtureModels;
  beforeAll(async () => {
    fixtures = await ensureFixtureModels();
  });

  it('--json lists the pipelines in --models with kind, layout, inputs and hash', async () => {
    const result = await runCli(['models', '--models', fixtures.modelsDir, '--json']);
    expect(result.code).toBe(0);
    const models = JSON.parse(result.stdout) as {
      name: string;
      root: string;
      kind: string;
      layout: string;
      sha256: string;
      inputs: string[];
    }[];
    const tiny = models.find((model) => model.name === 'tiny-sd' && model.root === fixtures.modelsDir);
    expect(tiny).toMatchObject({ kind: 'pipeline', layout: 'diffusers-onnx' });
    expect(tiny?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(tiny?.inputs.length).toBeGreaterThan(0);
  });

  it('DIFFGRAPH_MODELS is used when --models is not given, and the table has one row per model', async () => {
    const json = await runCli(['models', '--json'], { env: { DIFFGRAPH_MODELS: fixtures.modelsDir } });
    const names = (JSON.parse(json.stdout) as { name: string; root: string }[])
      .filter((model) => model.root === fixtures.modelsDir)
      .map((model) => model.name);
    expect(names).toContain('tiny-sd');
    const table = await runCli(['models'], { env: { DIFFGRAPH_MODELS: fixtures.modelsDir } });
    expect(table.code).toBe(0);
    for (const name of names)
      expect(table.stdout).toMatch(new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`, 'm'));
  });
});

describe('diffgraph tokenize', { timeout: SLOW_TEST_MS }, () => {
  const vocab = JSON.parse(readFileSync(join(TOKENIZER_DIR, 'vocab.json'), 'utf8')) as Record<string, number>;
  const bos = vocab['<|startoftext|>'];
  const eos = vocab['<|endoftext|>'];

  it('prints 77 ids: BOS, one vocabulary entry per whole word, EOS, then EOS padding (SD 1.x)', async () => {
    const result = await runCli(['tokenize', '--tokenizer', TOKENIZER_DIR, 'A red  Circle']);
    expect(result.code).toBe(0);
    const ids = JSON.parse(result.stdout) as number[];
    const words = [vocab['a</w>'], vocab['red</w>'], vocab['circle</w>']];
    expect(ids).toEqual([bos, ...words, eos, ...new Array(77 - 5).fill(eos)]);
  });

  it('cuts long text to BOS + 75 tokens + EOS and says so on stderr', async () => {
    const result = await runCli(['tokenize', '--tokenizer', TOKENIZER_DIR, Array(100).fill('red').join(' ')]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([bos, ...new Array(75).fill(vocab['red</w>']), eos]);
    expect(result.stderr).toMatch(/cut/);
  });

  it('exits 2 naming the folder when it holds no tokenizer', async () => {
    const result = await runCli(['tokenize', '--tokenizer', join(APP_ROOT, 'bench'), 'hello']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--tokenizer');
    expect(result.stdout).toBe('');
  });
});
