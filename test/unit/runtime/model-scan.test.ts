import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultHashCacheFile } from '../../../main/runtime/hash-cache-file.ts';
import { filesHashed, setHashCacheFile } from '../../../main/runtime/model-hash.ts';
import { modelSha256, scanModels } from '../../../main/runtime/model-scan.ts';
import { readOnnxHeader } from '../../../main/runtime/onnx-header.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';

let f: FixtureModels;
beforeAll(async () => {
  f = await ensureFixtureModels();
});

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('scanModels', () => {
  it('finds pipelines and single files with their kinds', async () => {
    const models = await scanModels([f.modelsDir]);
    const byName = new Map(models.map((m) => [m.name, m]));
    expect(byName.get('tiny-sd')).toMatchObject({
      kind: 'pipeline',
      layout: 'diffusers-onnx',
      root: f.modelsDir,
    });
    expect(byName.get('tiny-sd-fp16')?.kind).toBe('pipeline');
    const single = (path: string) => byName.get(relative(f.modelsDir, path));
    expect(single(f.files.unet)).toMatchObject({ kind: 'unet', layout: 'single-file' });
    expect(single(f.files.textEncoder)?.kind).toBe('text_encoder');
    expect(single(f.files.vaeDecoder)?.kind).toBe('vae_decoder');
    expect(single(f.files.vaeEncoder)?.kind).toBe('vae_encoder');
    expect(single(f.gaussian.unetNoText)?.kind).toBe('unet');
    expect(single(f.bad.wrongInputsOnnx)?.kind).toBe('unknown');
    expect(single(f.bad.corruptOnnx)?.inputs[0]).toMatch(/^unreadable: .*not a valid ONNX model/);
    // Files inside a pipeline folder are part of it, not separate models.
    expect(models.some((m) => m.name.startsWith('tiny-sd/'))).toBe(false);
    expect(byName.get('tiny-sd')?.inputs).toContain(
      `unet: encoder_hidden_states: float32[batch,77,${f.hiddenSize}]`,
    );
  });

  it('hashes a single file to its own sha256 and a pipeline over every file', async () => {
    expect(await modelSha256(f.files.unet)).toBe(sha(f.files.unet));
    const models = await scanModels([f.modelsDir]);
    const pipeline = models.find((m) => m.name === 'tiny-sd');
    const files = [
      'model_index.json',
      'scheduler/scheduler_config.json',
      'text_encoder/config.json',
      'text_encoder/model.onnx',
      'tokenizer/README.md',
      'tokenizer/merges.txt',
      'tokenizer/special_tokens_map.json',
      'tokenizer/tokenizer_config.json',
      'tokenizer/vocab.json',
      'unet/config.json',
      'unet/model.onnx',
      'vae_decoder/config.json',
      'vae_decoder/model.onnx',
      'vae_encoder/config.json',
      'vae_encoder/model.onnx',
    ];
    const lines = files
      .map((name) => `${name} ${sha(join(f.pipelines.tinySd, name))}`)
      .sort()
      .join('\n');
    expect(pipeline?.sha256).toBe(createHash('sha256').update(lines).digest('hex'));
    expect(pipeline?.bytes).toBe(
      files.reduce((n, name) => n + readFileSync(join(f.pipelines.tinySd, name)).length, 0),
    );
  });

  it("includes the external data file in a model file's hash", async () => {
    const external = await modelSha256(join(f.pipelines.tinySdExternalData, 'unet', 'model.onnx'));
    const dir = join(f.pipelines.tinySdExternalData, 'unet');
    const lines = [
      `model.onnx ${sha(join(dir, 'model.onnx'))}`,
      `model.onnx_data ${sha(join(dir, 'model.onnx_data'))}`,
    ]
      .sort()
      .join('\n');
    expect(external).toBe(createHash('sha256').update(lines).digest('hex'));
  });

  it('leaves out an external data location that leads out of the model folder', async () => {
    // The same model with its data location rewritten in place (same length, so the protobuf stays valid).
    const dir = join(mkdtempSync(join(tmpdir(), 'escape-')), 'unet');
    mkdirSync(dir);
    const bytes = readFileSync(join(f.pipelines.tinySdExternalData, 'unet', 'model.onnx'));
    const from = Buffer.from('model.onnx_data');
    const to = Buffer.from('../outside.data');
    expect(bytes.indexOf(from)).toBeGreaterThan(0);
    let at = bytes.indexOf(from);
    while (at >= 0) {
      to.copy(bytes, at);
      at = bytes.indexOf(from, at);
    }
    writeFileSync(join(dir, 'model.onnx'), bytes);
    writeFileSync(join(dir, '..', 'outside.data'), 'not part of the model');
    expect((await readOnnxHeader(join(dir, 'model.onnx'))).externalData).toEqual(['../outside.data']);
    expect(await modelSha256(join(dir, 'model.onnx'))).toBe(sha(join(dir, 'model.onnx')));
  });

  it('re-hashes only files whose size or mtime changed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'scan-'));
    copyFileSync(f.files.unet, join(root, 'a.onnx'));
    copyFileSync(f.files.vaeDecoder, join(root, 'b.onnx'));
    await scanModels([root]);
    const before = filesHashed();
    await scanModels([root]);
    expect(filesHashed()).toBe(before);
    utimesSync(join(root, 'a.onnx'), new Date(), new Date(Date.now() + 5000));
    const rescanned = await scanModels([root]);
    expect(filesHashed()).toBe(before + 1);
    expect(rescanned.find((m) => m.name === 'a.onnx')?.sha256).toBe(sha(f.files.unet));
  });

  it('keeps hashes in a cache file, so a new process does not hash again', async () => {
    const root = mkdtempSync(join(tmpdir(), 'scan-'));
    const cacheFile = join(root, 'cache', 'model-hashes.json');
    copyFileSync(f.files.vaeEncoder, join(root, 'e.onnx'));
    setHashCacheFile(cacheFile);
    try {
      await scanModels([root]);
      const saved = JSON.parse(readFileSync(cacheFile, 'utf8'));
      expect(saved.files[join(root, 'e.onnx')].sha256).toBe(sha(f.files.vaeEncoder));
      setHashCacheFile(cacheFile); // as a fresh process would: memory empty, file on disk
      const before = filesHashed();
      expect((await scanModels([root]))[0].sha256).toBe(sha(f.files.vaeEncoder));
      expect(filesHashed()).toBe(before);
    } finally {
      setHashCacheFile(null);
    }
  });

  it('puts the cache file under DIFFGRAPH_CACHE_DIR when set', () => {
    expect(defaultHashCacheFile({ DIFFGRAPH_CACHE_DIR: '/c' })).toBe(join('/c', 'model-hashes.json'));
  });

  it('searches roots in order, skips missing ones and does not descend into hidden folders', async () => {
    const first = mkdtempSync(join(tmpdir(), 'scan-'));
    const second = mkdtempSync(join(tmpdir(), 'scan-'));
    cpSync(f.pipelines.tinySd, join(second, 'sd'), { recursive: true });
    mkdirSync(join(first, '.cache'));
    copyFileSync(f.files.unet, join(first, '.cache', 'hidden.onnx'));
    writeFileSync(join(first, 'readme.txt'), 'not a model');
    const models = await scanModels([first, join(first, 'missing'), second]);
    expect(models.map((m) => [m.root, m.name])).toEqual([[second, 'sd']]);
  });
});
