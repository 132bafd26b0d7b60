// Models an imported file names but the folders lack: found by name with an extension, by A1111's
// new (10-digit) and old (8-digit) short hash, or by a workflow's sha256, with the match reported.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importA1111Parameters } from '../../../main/interop/a1111/to-graph.ts';
import { importApiPrompt } from '../../../main/interop/comfy/api-format.ts';
import { formatImportReport, type ImportResult } from '../../../main/interop/import-file.ts';
import { matchImportedModels } from '../../../main/interop/model-match.ts';
import { filesHashed, setHashCacheFile } from '../../../main/runtime/model-hash.ts';

// 1.2 MiB so that A1111's old hash (64 KiB at offset 1 MiB) reads real bytes
const bytes = Buffer.from(Array.from({ length: 0x130000 }, (_, i) => (i * 2654435761) >>> 24));
const sha256 = createHash('sha256').update(bytes).digest('hex');
const oldHash = createHash('sha256').update(bytes.subarray(0x100000, 0x110000)).digest('hex').slice(0, 8);

const a1111 = (model: string, hash: string) =>
  importA1111Parameters(
    `a red circle\nSteps: 4, Sampler: Euler, Seed: 1, Size: 128x128, Model hash: ${hash}, Model: ${model}`,
  ) as ImportResult;

let root: string;
let checkpoints: string;
beforeAll(async () => {
  setHashCacheFile(null);
  root = await mkdtemp(join(tmpdir(), 'diffgraph-model-match-'));
  checkpoints = join(root, 'checkpoints');
  await mkdir(join(checkpoints, 'sd15'), { recursive: true });
  await writeFile(join(checkpoints, 'sd15', 'renamed.safetensors'), bytes);
  await writeFile(join(checkpoints, 'other.ckpt'), Buffer.from('not this one'));
  await mkdir(join(root, 'loras'));
  await writeFile(join(root, 'loras', 'ink-style.safetensors'), Buffer.from('a LoRA'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('matching imported models on disk', () => {
  it("finds an A1111 model by its new short hash (sha256's first 10 digits) and says which file", async () => {
    const imported = a1111('v1-5-pruned-emaonly', sha256.slice(0, 10).toUpperCase());
    await matchImportedModels(imported, [root]);
    expect(imported.doc.nodes).toMatchObject({
      checkpoint: { type: 'LoadCheckpoint', widgets: { checkpoint: 'sd15/renamed.safetensors' } },
    });
    expect(imported.report.models).toEqual([
      {
        nodeId: 'checkpoint',
        name: 'v1-5-pruned-emaonly',
        hash: sha256.slice(0, 10),
        matched: 'sd15/renamed.safetensors',
        by: 'a1111',
        folders: [checkpoints],
      },
    ]);
    expect(formatImportReport(imported.report).at(-1)).toBe(
      `  model: "v1-5-pruned-emaonly" of node checkpoint not found; matched by its A1111 short hash ${sha256.slice(0, 10)}: sd15/renamed.safetensors in ${checkpoints}`,
    );
  });

  it('finds one by its old 8-digit hash (64 KiB at 1 MiB), and by name when only the extension is missing', async () => {
    const old = a1111('old-model', oldHash);
    await matchImportedModels(old, [root]);
    expect(old.report.models?.[0]).toMatchObject({ matched: 'sd15/renamed.safetensors', by: 'a1111-old' });
    const byName = a1111('other', 'ffffffffff');
    await matchImportedModels(byName, [root]);
    expect(byName.doc.nodes).toMatchObject({
      checkpoint: { type: 'LoadCheckpoint', widgets: { checkpoint: 'other.ckpt' } },
    });
    expect(byName.report.models?.[0]).toMatchObject({ matched: 'other.ckpt', by: 'name' });
  });

  it('finds a ComfyUI checkpoint by the sha256 the workflow records, without hashing the file again', async () => {
    const imported = importApiPrompt({
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'gone.safetensors' } },
    }) as ImportResult;
    imported.doc.models = [{ name: 'gone.safetensors', sha256 }];
    const before = filesHashed();
    await matchImportedModels(imported, [root]);
    expect(imported.report.models?.[0]).toMatchObject({ matched: 'sd15/renamed.safetensors', by: 'sha256' });
    // the first test hashed the file; size and mtime are unchanged, so the cache answers
    expect(filesHashed() - before).toBe(0);
  });

  it('names the folders searched when neither name nor hash matches, and leaves the node alone', async () => {
    const imported = a1111('missing', '0123456789');
    await matchImportedModels(imported, [root]);
    expect(imported.doc.nodes).toMatchObject({
      checkpoint: { type: 'LoadPipeline', widgets: { model: 'missing' } },
    });
    expect(imported.report.models).toEqual([
      { nodeId: 'checkpoint', name: 'missing', hash: '0123456789', folders: [root, checkpoints] },
    ]);
  });

  it("finds an A1111 LoRA tag's file by name, and a renamed LoRA by the workflow's sha256", async () => {
    const tagged = importA1111Parameters(
      'a red circle <lora:ink-style:0.5>\nSteps: 4, Sampler: Euler, Seed: 1, Size: 128x128, Model: sd15/renamed.safetensors',
    ) as ImportResult;
    await matchImportedModels(tagged, [root]);
    expect(tagged.doc.nodes).toMatchObject({
      lora1: { type: 'LoadLoRA', widgets: { lora: 'ink-style.safetensors' } },
    });
    expect(tagged.report.models).toEqual([
      {
        nodeId: 'lora1',
        name: 'ink-style',
        matched: 'ink-style.safetensors',
        by: 'name',
        folders: [join(root, 'loras')],
      },
    ]);
    const renamed = importApiPrompt({
      '10': {
        class_type: 'LoraLoaderModelOnly',
        inputs: { lora_name: 'old-name.safetensors', strength_model: 1 },
      },
    }) as ImportResult;
    renamed.doc.models = [
      { name: 'old-name.safetensors', sha256: createHash('sha256').update('a LoRA').digest('hex') },
    ];
    await matchImportedModels(renamed, [root]);
    expect(renamed.doc.nodes).toMatchObject({
      '10': { type: 'LoadLoRA', widgets: { lora: 'ink-style.safetensors', strength_model: 1 } },
    });
  });

  it('leaves a model that is found by its own name alone', async () => {
    const imported = a1111('sd15/renamed.safetensors', '0123456789');
    await matchImportedModels(imported, [root]);
    expect(imported.report.models).toBeUndefined();
  });
});
