// Big noise fills run in chunks that let a cancel in: the chunked fill must give
// exactly the values of the one-piece fill (including items split across chunks and later draws),
// and an aborted signal must stop it between chunks.
import { describe, expect, it } from 'vitest';
import { CHUNK_VALUES, inChunks } from '../../../nodes/math/interruptible.ts';
import { BatchNoise } from '../../../nodes/math/noise.ts';

describe('BatchNoise.fillInterruptibly', () => {
  it('equals fill() when chunks cut through batch items, for the first and later draws', async () => {
    const size = 3 * 700 * 700; // items of 490,000 values: chunk edges fall inside items
    expect(size).toBeGreaterThan(CHUNK_VALUES);
    const whole = new BatchNoise(42, 3);
    const chunked = new BatchNoise(42, 3);
    for (let draw = 0; draw < 2; draw++) {
      const expected = whole.fill(new Float32Array(size));
      const got = await chunked.fillInterruptibly(new Float32Array(size));
      // Bit for bit (a byte comparison: deep equality over a million elements is slow).
      expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    }
  });

  it('stops between chunks once the signal is aborted', async () => {
    const controller = new AbortController();
    const done: number[] = [];
    const work = inChunks(
      10 * CHUNK_VALUES,
      (start) => {
        done.push(start);
        if (done.length === 2) controller.abort();
      },
      controller.signal,
    );
    await expect(work).rejects.toMatchObject({ name: 'AbortError' });
    expect(done).toEqual([0, CHUNK_VALUES]);
    const noise = new BatchNoise(1, 1).fillInterruptibly(new Float32Array(8), controller.signal);
    await expect(noise).rejects.toMatchObject({ name: 'AbortError' });
  });
});
