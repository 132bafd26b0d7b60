import { open, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSafetensors } from '../../../main/checkpoint/safetensors-read.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { rawSafetensors, tempDir, writeRaw } from './raw-safetensors.ts';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('openSafetensors: valid files', () => {
  it('reads F32, F16 and BF16 tensors widened to float32, with metadata and file order', async () => {
    // Values exactly representable in each dtype, so widening must give them back unchanged.
    const path = join(dir, 'ok.safetensors');
    await writeSafetensors(
      path,
      [
        {
          name: 'b.half',
          shape: [2, 2],
          dtype: 'F16',
          values: new Float32Array([1.5, -0.25, 65504, 2 ** -24]),
        },
        { name: 'a.full', shape: [3], dtype: 'F32', values: new Float32Array([0.1, -7, 3e38]) },
        { name: 'c.brain', shape: [2], dtype: 'BF16', values: new Float32Array([-3, 2 ** -100]) },
      ],
      { 'modelspec.architecture': 'stable-diffusion-v1' },
    );
    const file = await openSafetensors(path);
    try {
      expect(file.keys()).toEqual(['b.half', 'a.full', 'c.brain']);
      expect(file.info('b.half')).toEqual({ dtype: 'F16', shape: [2, 2] });
      expect([...(await file.read('b.half'))]).toEqual([1.5, -0.25, 65504, 2 ** -24]);
      expect([...(await file.read('a.full'))]).toEqual([...new Float32Array([0.1, -7, 3e38])]);
      expect([...(await file.read('c.brain'))]).toEqual([-3, 2 ** -100]);
      expect(file.metadata()).toEqual({ 'modelspec.architecture': 'stable-diffusion-v1' });
      expect(file.has('a.full')).toBe(true);
      expect(() => file.info('missing')).toThrow(/ok\.safetensors.*no tensor "missing"/);
    } finally {
      await file.close();
    }
  });

  it('reads integer tensors as numbers and refuses them as float weights', async () => {
    const ids = new Uint8Array(new BigInt64Array([0n, 1n, 76n]).buffer);
    const bytes = rawSafetensors(
      { position_ids: { dtype: 'I64', shape: [1, 3], data_offsets: [0, 24] } },
      ids,
    );
    const path = await writeRaw(dir, 'ints.safetensors', bytes);
    const file = await openSafetensors(path);
    try {
      expect([...(await file.readNumbers('position_ids'))]).toEqual([0, 1, 76]);
      await expect(file.read('position_ids')).rejects.toThrow(
        /ints\.safetensors.*"position_ids" is I64, not a floating-point/,
      );
    } finally {
      await file.close();
    }
  });

  it('accepts empty tensors and a header padded with spaces', async () => {
    const header = `${JSON.stringify({ e: { dtype: 'F32', shape: [0, 4], data_offsets: [0, 0] }, x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } })}   `;
    const path = await writeRaw(dir, 'empty.safetensors', rawSafetensors(header, f32([2])));
    const file = await openSafetensors(path);
    expect((await file.read('e')).length).toBe(0);
    expect([...(await file.read('x'))]).toEqual([2]);
    await file.close();
  });

  it('reads a tensor that lies past 2 GiB with a positioned read (sparse file)', async () => {
    const pad = 2 ** 31 + 8;
    const header = {
      pad: { dtype: 'U8', shape: [pad], data_offsets: [0, pad] },
      w: { dtype: 'F32', shape: [2], data_offsets: [pad, pad + 8] },
    };
    const head = rawSafetensors(header, new Uint8Array(0));
    const path = join(dir, 'big.safetensors');
    const handle = await open(path, 'w');
    await handle.write(head, 0, head.length, 0);
    await handle.close();
    await truncate(path, head.length + pad + 8);
    const tail = await open(path, 'r+');
    await tail.write(f32([4.5, -1]), 0, 8, head.length + pad);
    await tail.close();
    const file = await openSafetensors(path);
    try {
      expect([...(await file.read('w'))]).toEqual([4.5, -1]);
    } finally {
      await file.close();
      await rm(path);
    }
  });
});

describe('openSafetensors: corrupt files are refused naming the file and the problem', () => {
  const one = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: [string, Uint8Array, RegExp][] = [
    [
      'truncated data',
      rawSafetensors(one, f32([1])),
      /truncated\.safetensors: tensor "w": data_offsets \[0, 8\] reach past the end of the data section \(4 bytes: truncated/,
    ],
    [
      'trailing bytes',
      rawSafetensors(one, f32([1, 2, 3])),
      /the tensors cover 8 bytes but the data section holds 12/,
    ],
    ['shorter than 8 bytes', new Uint8Array(5), /too short for the 8-byte header length/],
    [
      'header length past the end',
      rawSafetensors(one, f32([1, 2]), 5000n),
      /header length 5000 reaches past the end of the \d+-byte file/,
    ],
    [
      'huge header length',
      rawSafetensors(one, f32([1, 2]), 2n ** 63n),
      /header length 9223372036854775808 exceeds the 100000000-byte limit/,
    ],
    ['not JSON', rawSafetensors('{"w": [', new Uint8Array(0)), /header is not valid JSON/],
    ['not an object', rawSafetensors('[1, 2]', new Uint8Array(0)), /does not start with "\{"/],
    [
      'unknown dtype',
      rawSafetensors({ w: { dtype: 'F8_E9', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)),
      /tensor "w": unknown dtype "F8_E9"/,
    ],
    [
      'shape/size mismatch',
      rawSafetensors({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32([1, 2])),
      /tensor "w": shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/,
    ],
    [
      'negative dimension',
      rawSafetensors({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32([1, 2])),
      /tensor "w": shape must be a list of non-negative integers/,
    ],
    [
      'offset out of range',
      rawSafetensors({ w: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }, f32([1, 2])),
      /tensor "w": data_offsets \[8, 16\] reach past the end of the data section \(8 bytes/,
    ],
    [
      'overlapping offsets',
      rawSafetensors(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
        },
        f32([1, 2, 3]),
      ),
      /tensor "b": data_offsets \[4, 12\] overlap tensor "a"/,
    ],
    [
      'a gap between tensors',
      rawSafetensors(
        {
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
        },
        f32([1, 2, 3]),
      ),
      /tensor "b": data_offsets begin at 8, leaving a gap after tensor "a"/,
    ],
    [
      'reversed offsets',
      rawSafetensors({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, f32([1, 2])),
      /tensor "w": data_offsets \[8, 0\] end before they begin/,
    ],
    [
      'non-string metadata',
      rawSafetensors({ __metadata__: { epochs: 3 } }, new Uint8Array(0)),
      /"__metadata__" value for "epochs" must be a string/,
    ],
    [
      'entry not an object',
      rawSafetensors({ w: 'zeros' }, new Uint8Array(0)),
      /tensor "w": entry must be an object/,
    ],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, async () => {
      const name =
        what === 'truncated data' ? 'truncated.safetensors' : `${what.replaceAll(/\W+/g, '-')}.safetensors`;
      const path = await writeRaw(dir, name, bytes);
      const error = await openSafetensors(path).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toContain(path);
      expect(error?.message).toMatch(message);
    });
  }
});
