import { copyFileSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cachedOnnxHeader, readOnnxHeader } from '../../../main/runtime/onnx-header.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';

let f: FixtureModels;
beforeAll(async () => {
  f = await ensureFixtureModels();
});

describe('readOnnxHeader', () => {
  it('reads input and output names, element types and symbolic/fixed shapes', async () => {
    const header = await readOnnxHeader(join(f.pipelines.tinySd, 'unet', 'model.onnx'));
    expect(header.irVersion).toBeGreaterThan(0);
    expect(header.inputs).toEqual([
      { name: 'sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] },
      { name: 'timestep', type: 'int64', shape: [1] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 77, f.hiddenSize] },
    ]);
    expect(header.outputs.map((o) => o.name)).toEqual(['out_sample']);
    expect(header.externalData).toEqual([]);
  });

  it('reads float16 types and the fixed batch of a batch-1 export', async () => {
    const fp16 = await readOnnxHeader(join(f.pipelines.tinySdFp16, 'unet', 'model.onnx'));
    expect(fp16.inputs.map((i) => i.type)).toEqual(['float16', 'float16', 'float16']);
    const batch1 = await readOnnxHeader(f.files.unetBatch1);
    expect(batch1.inputs[0].shape[0]).toBe(1);
  });

  it('lists the external data files initializers point at', async () => {
    const header = await readOnnxHeader(join(f.pipelines.tinySdExternalData, 'unet', 'model.onnx'));
    expect(header.externalData).toEqual(['model.onnx_data']);
  });

  it('rejects a truncated model, naming the file', async () => {
    await expect(readOnnxHeader(f.bad.corruptOnnx)).rejects.toThrow(
      `${f.bad.corruptOnnx} is not a valid ONNX model`,
    );
  });

  it('rejects files that are not ONNX at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-header-'));
    const text = join(dir, 'notes.onnx');
    writeFileSync(text, 'this is a text file, not a model\n');
    await expect(readOnnxHeader(text)).rejects.toThrow(/is not a valid ONNX model/);
    const empty = join(dir, 'empty.onnx');
    writeFileSync(empty, '');
    await expect(readOnnxHeader(empty)).rejects.toThrow(/no model graph found/);
  });
});

describe('cachedOnnxHeader', () => {
  it('reuses a header while the file is unchanged and reads it again once the file changes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'onnx-header-')), 'model.onnx');
    copyFileSync(join(f.pipelines.tinySd, 'unet', 'model.onnx'), path);
    const first = await cachedOnnxHeader(path);
    expect(first).toEqual(await readOnnxHeader(path));
    expect(await cachedOnnxHeader(path)).toBe(first);
    copyFileSync(f.files.unetBatch1, path); // another model at the same path
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const second = await cachedOnnxHeader(path);
    expect(second).not.toBe(first);
    expect(second.inputs[0].shape[0]).toBe(1);
  });
});
