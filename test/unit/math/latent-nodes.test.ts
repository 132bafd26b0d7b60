// .npy encoding against NumPy's own bytes and the format spec, and the latent nodes (EmptyLatent,
// AddNoise, SaveLatent, LoadLatent) including numbered atomic outputs and confined paths.
import { mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NodeContext } from '../../../nodes/api.ts';
import { decodeNpy, encodeNpy } from '../../../nodes/formats/npy.ts';
import { latentNodes } from '../../../nodes/latent.ts';
import { seededNoise } from '../../../nodes/math/noise.ts';
import { trainingTables } from '../../../nodes/math/schedules.ts';
import type { Latent } from '../../../nodes/types.ts';
import { fakeContext, fakeServices, MemoryFiles } from '../fake-services.ts';
import { testContext, testRuntime } from '../runtime/runtime-services.ts';
import { nonlinearDenoiser, SD15 } from './helpers.ts';

// np.save of np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4) * 0.5 - 3 (NumPy 2.4)
const NUMPY_F4 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDIsIDMsIDQpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAEDAAAAgwAAAAMAAAMC/AACAvwAAAL8AAAAAAAAAPwAAgD8AAMA/AAAAQAAAIEAAAEBAAABgQAAAgEAAAJBAAACgQAAAsEAAAMBAAADQQAAA4EAAAPBAAAAAQQAACEE=';
// np.save of (np.arange(6, dtype='>f8').reshape(1, 1, 2, 3) * 1.25) — a float64 file
const NUMPY_F8 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDEsIDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAPQ/AAAAAAAABEAAAAAAAAAOQAAAAAAAABRAAAAAAAAAGUA=';

const byName = (type: string) => {
  const node = latentNodes.find((n) => n.type === type);
  if (!node) throw new Error(type);
  return node;
};

/** A context with the real services over real folders (path confinement is what some tests check). */
function context(dirs: { input: string; output: string }, allowAbsolutePaths = false): NodeContext {
  const runtime = testRuntime({ models: '', ...dirs, allowAbsolutePaths });
  return testContext(runtime);
}

describe('.npy files', () => {
  it('are written byte for byte as NumPy writes them', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
    expect(Buffer.from(encodeNpy({ data, shape: [1, 2, 3, 4] }))).toEqual(Buffer.from(NUMPY_F4, 'base64'));
  });

  it('follow the format spec: magic, version 1.0, little-endian header length, 64-byte aligned, newline-terminated', () => {
    const bytes = encodeNpy({ data: new Float32Array(2 * 4 * 8 * 8), shape: [2, 4, 8, 8] });
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8] + 256 * bytes[9];
    expect((10 + headerLength) % 64).toBe(0);
    const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');
    expect(header.endsWith('\n')).toBe(true);
    expect(header.trim()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4, 8, 8), }");
    expect(bytes.length).toBe(10 + headerLength + 2 * 4 * 8 * 8 * 4);
  });

  it('round-trip exactly, and NumPy float32/float64 files decode', () => {
    const latent = { data: seededNoise(1, [2, 4, 5, 6]), shape: [2, 4, 5, 6] };
    expect(decodeNpy(encodeNpy(latent))).toEqual(latent);
    expect(decodeNpy(Buffer.from(NUMPY_F4, 'base64')).data).toEqual(
      Float32Array.from({ length: 24 }, (_, i) => i * 0.5 - 3),
    );
    expect(decodeNpy(Buffer.from(NUMPY_F8, 'base64'))).toEqual({
      data: Float32Array.from([0, 1.25, 2.5, 3.75, 5, 6.25]),
      shape: [1, 1, 2, 3],
    });
  });

  it('reject other files with a reason', () => {
    expect(() => decodeNpy(new TextEncoder().encode('PK\u0003\u0004 zip'))).toThrow(/magic/);
    const ints = Buffer.from(NUMPY_F4, 'base64');
    ints.write("'<i4'", ints.indexOf("'<f4'"), 'latin1');
    expect(() => decodeNpy(ints)).toThrow(/dtype '<i4'/);
    expect(() => decodeNpy(Buffer.from(NUMPY_F4, 'base64').subarray(0, 150))).toThrow(/truncated/);
  });
});

describe('latent nodes', () => {
  it('EmptyLatent makes zeros at 1/8 size and refuses sizes that are not multiples of 8', async () => {
    const { latent } = (await byName('EmptyLatent').run(context({ input: '', output: '' }), {
      width: 512,
      height: 256,
      batch: 2,
      channels: 4,
    })) as { latent: Latent };
    expect(latent.shape).toEqual([2, 4, 32, 64]);
    expect(latent.data.every((v) => v === 0)).toBe(true);
    await expect(
      byName('EmptyLatent').run(context({ input: '', output: '' }), {
        width: 500,
        height: 256,
        batch: 1,
        channels: 4,
      }),
    ).rejects.toMatchObject({ input: 'width' });
  });

  it('AddNoise samples q(x_t | x₀) = √ᾱ_t·x₀ + √(1−ᾱ_t)·z with seeded z', async () => {
    const latent = {
      data: Float32Array.from({ length: 2 * 4 * 4 * 4 }, (_, i) => Math.sin(i)),
      shape: [2, 4, 4, 4],
    };
    const model = nonlinearDenoiser();
    const { latent: noisy } = (await byName('AddNoise').run(context({ input: '', output: '' }), {
      latent,
      model,
      timestep: 600,
      seed: 5,
    })) as { latent: Latent };
    const a = trainingTables(SD15).alphasCumprod[600];
    const z = seededNoise(5, latent.shape);
    noisy.data.forEach((v, i) => {
      expect(v).toBeCloseTo(Math.sqrt(a) * latent.data[i] + Math.sqrt(1 - a) * z[i], 5);
    });
    await expect(
      byName('AddNoise').run(context({ input: '', output: '' }), { latent, model, timestep: 1000, seed: 5 }),
    ).rejects.toMatchObject({ input: 'timestep' });
  });

  it('SaveLatent writes numbered .npy files and reports them; LoadLatent reads them back', async () => {
    const files = new MemoryFiles();
    const { ctx, outputs } = fakeContext(fakeServices({ files }));
    const latent = { data: seededNoise(3, [1, 4, 6, 6]), shape: [1, 4, 6, 6] };
    for (let i = 0; i < 2; i++) await byName('SaveLatent').run(ctx, { latent, prefix: 'walk' });
    expect([...files.store.keys()]).toEqual(['output/walk_00001.npy', 'output/walk_00002.npy']);
    expect(outputs.map((o) => [o.kind, o.path, o.meta])).toEqual([
      ['latent', 'output/walk_00001.npy', { shape: [1, 4, 6, 6] }],
      ['latent', 'output/walk_00002.npy', { shape: [1, 4, 6, 6] }],
    ]);
    expect(files.store.get('output/walk_00001.npy')).toEqual(encodeNpy(latent));
    const loaded = await byName('LoadLatent').run(ctx, { file: 'output/walk_00002.npy' });
    expect(loaded.latent).toEqual(latent);
    files.store.set('input/chw.npy', encodeNpy({ data: latent.data, shape: [4, 6, 6] }));
    expect(((await byName('LoadLatent').run(ctx, { file: 'chw.npy' })).latent as Latent).shape).toEqual([
      1, 4, 6, 6,
    ]);
    files.store.set('input/flat.npy', encodeNpy({ data: latent.data.subarray(0, 6), shape: [6] }));
    await expect(byName('LoadLatent').run(ctx, { file: 'flat.npy' })).rejects.toMatchObject({
      input: 'file',
      message: expect.stringContaining('has shape (6)'),
    });
  });

  it('SaveLatent writes atomically into real numbered files', async () => {
    const dirs = {
      input: await mkdtemp(join(tmpdir(), 'dg-latent-in-')),
      output: await mkdtemp(join(tmpdir(), 'dg-latent-out-')),
    };
    const ctx = context(dirs);
    const latent = { data: seededNoise(3, [1, 4, 6, 6]), shape: [1, 4, 6, 6] };
    for (let i = 0; i < 2; i++) await byName('SaveLatent').run(ctx, { latent, prefix: 'walk' });
    expect((await readdir(dirs.output)).sort()).toEqual(['walk_00001.npy', 'walk_00002.npy']);
    expect(await readFile(join(dirs.output, 'walk_00001.npy'))).toEqual(Buffer.from(encodeNpy(latent)));
    const loaded = await byName('LoadLatent').run(ctx, { file: join(dirs.output, 'walk_00002.npy') });
    expect(loaded.latent).toEqual(latent);
  });

  it('refuse unsafe prefixes and paths outside the input/output folders', async () => {
    const dirs = {
      input: await mkdtemp(join(tmpdir(), 'dg-in-')),
      output: await mkdtemp(join(tmpdir(), 'dg-out-')),
    };
    const latent = { data: new Float32Array(16), shape: [1, 1, 4, 4] };
    await expect(
      byName('SaveLatent').run(context(dirs), { latent, prefix: '../escape' }),
    ).rejects.toMatchObject({ input: 'prefix' });
    const allowed = `allowed folders: ${dirs.input}, ${dirs.output}`;
    await expect(byName('LoadLatent').run(context(dirs), { file: '../../etc/passwd' })).rejects.toMatchObject(
      { input: 'file', message: `latent file "../../etc/passwd" leaves its folder ("..") (${allowed})` },
    );
    await expect(byName('LoadLatent').run(context(dirs), { file: '/etc/passwd' })).rejects.toMatchObject({
      input: 'file',
      message: expect.stringContaining(
        `latent file "/etc/passwd" is an absolute path outside the allowed folders`,
      ),
    });
    const elsewhere = await mkdtemp(join(tmpdir(), 'dg-elsewhere-'));
    await writeFile(join(elsewhere, 'x.npy'), encodeNpy(latent));
    await symlink(elsewhere, join(dirs.input, 'linked'));
    await expect(byName('LoadLatent').run(context(dirs), { file: 'linked/x.npy' })).rejects.toMatchObject({
      input: 'file',
      message: `latent file "linked/x.npy" leads outside the allowed folders through a symbolic link (refused; ${allowed})`,
    });
    await expect(byName('LoadLatent').run(context(dirs), { file: 'missing.npy' })).rejects.toMatchObject({
      input: 'file',
      message: expect.stringMatching(/ENOENT/),
    });
  });

  it('LoadLatent reads an absolute path anywhere only under the CLI policy', async () => {
    const dirs = {
      input: await mkdtemp(join(tmpdir(), 'dg-in-')),
      output: await mkdtemp(join(tmpdir(), 'dg-out-')),
    };
    const elsewhere = join(await mkdtemp(join(tmpdir(), 'dg-elsewhere-')), 'x.npy');
    const latent = { data: seededNoise(9, [1, 2, 2, 2]), shape: [1, 2, 2, 2] };
    await writeFile(elsewhere, encodeNpy(latent));
    await expect(byName('LoadLatent').run(context(dirs), { file: elsewhere })).rejects.toMatchObject({
      input: 'file',
    });
    const loaded = await byName('LoadLatent').run(context(dirs, true), { file: elsewhere });
    expect(loaded.latent).toEqual(latent);
  });
});
