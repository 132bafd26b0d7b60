// The restricted reader against files torch.save wrote (scripts/reference/torch-checkpoint-fixture.py
// records them with the values torch reports), and against hostile pickles crafted byte by byte.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTensorFile } from '../../../main/checkpoint/open.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { openTorchCheckpoint } from '../../../main/checkpoint/torch-checkpoint.ts';
import { tempDir, writeRaw } from './raw-safetensors.ts';
import { storedZip } from './stored-zip.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/checkpoint-io');

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openTorchCheckpoint on files torch.save wrote', () => {
  it('reads every tensor of the state dict with the values torch reports', async () => {
    const expected = JSON.parse(await readFile(join(FIXTURES, 'tiny.expected.json'), 'utf8'))
      .tensors as Record<string, { dtype: string; shape: number[]; values: number[] }>;
    const file = await openTorchCheckpoint(join(FIXTURES, 'tiny.ckpt'));
    try {
      expect([...file.keys()].sort()).toEqual(Object.keys(expected).sort());
      for (const [key, want] of Object.entries(expected)) {
        expect(file.info(key).shape).toEqual(want.shape);
        if (want.dtype === 'int64') {
          expect(file.info(key).dtype).toBe('I64');
          await expect(file.read(key)).rejects.toThrow(/"model\.ids" is I64, not a floating-point weight/);
          continue;
        }
        expect([...(await file.read(key))], key).toEqual(want.values);
      }
      expect(file.info('model.half').dtype).toBe('F16');
      expect(file.info('model.bf').dtype).toBe('BF16');
    } finally {
      await file.close();
    }
  });

  it('refuses the legacy (pre-1.6) format with a way to convert', async () => {
    await expect(openTorchCheckpoint(join(FIXTURES, 'legacy.pt'))).rejects.toThrow(
      /legacy\.pt: not a torch zip checkpoint .* convert it to \.safetensors/,
    );
  });
});

/** Pickle protocol 2: GLOBAL module\nname\n, a string argument, TUPLE1, REDUCE, STOP. */
function reducePickle(module: string, name: string, argument: string): Uint8Array {
  const arg = new TextEncoder().encode(argument);
  const head = [0x80, 0x02, ...new TextEncoder().encode(`c${module}\n${name}\nX`)];
  const length = new Uint8Array(new Uint32Array([arg.length]).buffer);
  return new Uint8Array([...head, ...length, ...arg, 0x85, 0x52, 0x2e]);
}

/** Protocol 4: STACK_GLOBAL from two SHORT_BINUNICODE strings, then REDUCE. */
function stackGlobalPickle(module: string, name: string, argument: string): Uint8Array {
  const s = (text: string) => {
    const b = new TextEncoder().encode(text);
    return [0x8c, b.length, ...b];
  };
  return new Uint8Array([0x80, 0x04, ...s(module), ...s(name), 0x93, ...s(argument), 0x85, 0x52, 0x2e]);
}

describe('hostile pickles: nothing runs, the error names the global', () => {
  const marker = () => join(dir, 'pwned');
  const cases: [string, () => Uint8Array, string][] = [
    ['GLOBAL os.system + REDUCE', () => reducePickle('os', 'system', `touch ${marker()}`), 'os.system'],
    ['GLOBAL posix.system', () => reducePickle('posix', 'system', `touch ${marker()}`), 'posix.system'],
    [
      'STACK_GLOBAL builtins.eval',
      () => stackGlobalPickle('builtins', 'eval', `open('${marker()}','w')`),
      'builtins.eval',
    ],
    [
      'GLOBAL subprocess.Popen',
      () => reducePickle('subprocess', 'Popen', `touch ${marker()}`),
      'subprocess.Popen',
    ],
  ];
  for (const [what, pickle, global] of cases) {
    it(what, async () => {
      const zip = storedZip({
        'archive/data.pkl': pickle(),
        'archive/version': new TextEncoder().encode('3\n'),
      });
      const path = await writeRaw(dir, 'evil.ckpt', zip);
      const error = await openTorchCheckpoint(path).then(
        () => null,
        (e: Error) => e,
      );
      expect(error?.message).toContain(path);
      expect(error?.message).toContain(`the pickle names the global "${global}"`);
      expect(existsSync(marker())).toBe(false);
    });
  }

  it('a global hidden inside an otherwise normal state dict is refused too', async () => {
    // {'w': os.system('...')}: EMPTY_DICT, BINUNICODE 'w', <reduce>, SETITEM, STOP
    const inner = reducePickle('os', 'system', 'true').slice(2, -1);
    const bytes = new Uint8Array([0x80, 0x02, 0x7d, 0x58, 1, 0, 0, 0, 0x77, ...inner, 0x73, 0x2e]);
    const path = await writeRaw(dir, 'hidden.ckpt', storedZip({ 'x/data.pkl': bytes }));
    await expect(openTorchCheckpoint(path)).rejects.toThrow(
      /hidden\.ckpt: refused to load: the pickle names the global "os\.system"/,
    );
  });

  it('a truncated zip is an error naming the file', async () => {
    const full = await readFile(join(FIXTURES, 'tiny.ckpt'));
    const path = await writeRaw(dir, 'cut.ckpt', full.subarray(0, full.length - 30));
    await expect(openTorchCheckpoint(path)).rejects.toThrow(/cut\.ckpt: /);
  });
});

describe('openTensorFile: by content, not extension', () => {
  it('a torch zip named .safetensors and a safetensors file named .pt both open', async () => {
    const zipPath = await writeRaw(
      dir,
      'really-torch.safetensors',
      await readFile(join(FIXTURES, 'tiny.ckpt')),
    );
    const torch = await openTensorFile(zipPath);
    expect(torch.keys()).toContain('model.w');
    await torch.close();
    const stPath = join(dir, 'really-safetensors.pt');
    await writeSafetensors(stPath, [{ name: 'x', shape: [1], dtype: 'F32', values: Float32Array.of(2) }]);
    const st = await openTensorFile(stPath);
    expect([...(await st.read('x'))]).toEqual([2]);
    await st.close();
  });
  it('a legacy pickle is refused with the conversion hint', async () => {
    const legacy = await writeRaw(dir, 'old.bin', await readFile(join(FIXTURES, 'legacy.pt')));
    await expect(openTensorFile(legacy)).rejects.toThrow(
      /old\.bin: not a torch zip checkpoint .* convert it to \.safetensors/,
    );
  });
});
