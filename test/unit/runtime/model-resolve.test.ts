import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelReferences } from '../../../main/runtime/model-refs.ts';
import { recordedSha256, resolveModel } from '../../../main/runtime/model-resolve.ts';
import { modelSha256 } from '../../../main/runtime/model-scan.ts';
import { builtinNodes } from '../../../nodes/index.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';

let f: FixtureModels;
let user: string;
let bundled: string;
let sdHash: string;
let fp16Hash: string;

beforeAll(async () => {
  f = await ensureFixtureModels();
  user = mkdtempSync(join(tmpdir(), 'models-user-'));
  bundled = mkdtempSync(join(tmpdir(), 'models-bundled-'));
  cpSync(f.pipelines.tinySd, join(bundled, 'sd'), { recursive: true });
  cpSync(f.pipelines.tinySdFp16, join(user, 'sd'), { recursive: true });
  cpSync(f.pipelines.tinySd, join(user, 'renamed'), { recursive: true });
  sdHash = await modelSha256(f.pipelines.tinySd);
  fp16Hash = await modelSha256(f.pipelines.tinySdFp16);
});

describe('resolveModel', () => {
  it('takes the user models folder before the search path', async () => {
    expect(await resolveModel({ name: 'sd', roots: [user, bundled], what: 'pipeline' })).toEqual({
      path: join(user, 'sd'),
    });
  });

  it('passes over a same-named model whose hash differs from the recorded one', async () => {
    const found = await resolveModel({
      name: 'sd',
      roots: [user, bundled],
      what: 'pipeline',
      sha256: sdHash,
    });
    expect(found).toEqual({ path: join(bundled, 'sd') });
  });

  it('finds a model by its hash under another name, with a notice', async () => {
    const found = await resolveModel({ name: 'gone', roots: [user], what: 'pipeline', sha256: sdHash });
    expect(found.path).toBe(join(user, 'renamed'));
    expect(found.notice).toContain('found by its content hash');
  });

  it('uses a same-named model with other content when nothing matches, saying so', async () => {
    const other = '0'.repeat(64);
    const found = await resolveModel({ name: 'sd', roots: [user], what: 'pipeline', sha256: other });
    expect(found.path).toBe(join(user, 'sd'));
    expect(found.notice).toBe(
      `${join(user, 'sd')} has sha256 ${fp16Hash}, not the ${other} the graph records (a different version of the model?)`,
    );
  });

  it('says which model is missing and every folder it looked in', async () => {
    const sha = 'ab'.repeat(32);
    await expect(
      resolveModel({ name: 'nope', roots: [user, bundled], what: 'pipeline', sha256: sha }),
    ).rejects.toThrow(
      `pipeline "nope" (sha256 ${sha}) not found; looked in: ${join(user, 'nope')}, ${join(bundled, 'nope')}`,
    );
  });

  it('accepts absolute paths only when allowed and rejects names that leave the models folder', async () => {
    const absolute = { name: f.files.unet, roots: [user], what: 'U-Net file' };
    expect((await resolveModel({ ...absolute, allowAbsolute: true })).path).toBe(f.files.unet);
    await expect(resolveModel(absolute)).rejects.toThrow(
      `U-Net file "${f.files.unet}" is an absolute path outside the allowed folders`,
    );
    await expect(resolveModel({ name: '../etc/passwd', roots: [user], what: 'U-Net file' })).rejects.toThrow(
      `U-Net file "../etc/passwd" leaves its folder ("..") (allowed folders: ${user})`,
    );
    await expect(resolveModel({ name: ' ', roots: [user], what: 'U-Net file' })).rejects.toThrow(
      'no U-Net file chosen',
    );
  });

  it('reads recorded hashes from a graph document', () => {
    const graph = { models: [{ name: 'sd', sha256: 'ABC' }, { name: 'x' }] };
    expect(recordedSha256(graph, 'sd')).toBe('abc');
    expect(recordedSha256(graph, 'x')).toBeUndefined();
    expect(recordedSha256(null, 'sd')).toBeUndefined();
  });
});

describe('modelReferences', () => {
  it('records name and hash of every model a graph names, skipping missing ones', async () => {
    const widgetsOf = (type: string) => builtinNodes().find((n) => n.type === type)?.widgets;
    const doc = {
      nodes: {
        a: { type: 'LoadPipeline', widgets: { model: 'sd' } },
        b: { type: 'LoadUNet', widgets: { file: 'missing.onnx' } },
        c: { type: 'LoadPipeline', widgets: { model: 'renamed' } },
        d: { type: 'TextEncode', widgets: { text: 'sd' } },
      },
    };
    expect(await modelReferences(doc, widgetsOf, [bundled, user])).toEqual([
      { name: 'renamed', sha256: sdHash },
      { name: 'sd', sha256: sdHash },
    ]);
  });

  const widgetsOf = (type: string) => builtinNodes().find((n) => n.type === type)?.widgets;

  it('keeps the recorded hash of a model missing here and follows names wired from a String node', async () => {
    const kept = { name: 'elsewhere', sha256: 'cd'.repeat(32) };
    const doc = {
      nodes: {
        name: { type: 'String', widgets: { value: 'renamed' } },
        a: { type: 'LoadPipeline', widgets: { model: 'ignored-because-wired' } },
        b: { type: 'LoadPipeline', widgets: { model: 'elsewhere' } },
      },
      edges: [{ from: ['name', 'string'], to: ['a', 'model'] }],
      models: [kept],
    };
    expect(await modelReferences(doc, widgetsOf, [user])).toEqual([
      kept,
      { name: 'renamed', sha256: sdHash },
    ]);
  });

  it('never hashes a file outside the models folders unless absolute paths are allowed', async () => {
    const doc = { nodes: { u: { type: 'LoadUNet', widgets: { file: f.files.unet } } } };
    expect(await modelReferences(doc, widgetsOf, [user])).toEqual([]);
    expect(await modelReferences(doc, widgetsOf, [user], { allowAbsolute: true })).toEqual([
      { name: f.files.unet, sha256: await modelSha256(f.files.unet) },
    ]);
  });
});

describe('model names and symlinks', () => {
  it('refuses a link in the models folder leading outside the model folders, unless absolute paths are allowed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'models-linked-'));
    symlinkSync(f.pipelines.tinySd, join(root, 'linked'));
    const request = { name: 'linked', roots: [root], what: 'pipeline' };
    await expect(resolveModel(request)).rejects.toThrow(
      `pipeline "linked" leads outside the allowed folders through a symbolic link (refused; allowed folders: ${root})`,
    );
    expect((await resolveModel({ ...request, allowAbsolute: true })).path).toBe(join(root, 'linked'));
    // A link from one model folder into another search-path folder stays allowed.
    expect((await resolveModel({ ...request, roots: [root, f.modelsDir] })).path).toBe(join(root, 'linked'));
  });
});
