import { describe, expect, it } from 'vitest';
import { dispatchChannel } from '../../../main/host/dispatch.ts';
import { HOST_CHANNELS, parseChannelArgs, SHELL_CHANNELS } from '../../../main/host/shared/channels.ts';
import { HostError } from '../../../main/host/shared/errors.ts';
import { decodeWire, encodeWire } from '../../../main/host/shared/wire.ts';

describe('wire encoding', () => {
  it('round-trips binary data (Uint8Array and Buffer) inside JSON', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7) % 256);
    const decoded = decodeWire(encodeWire(['photo.png', bytes, { nested: Buffer.from([1, 2, 3]) }])) as [
      string,
      Uint8Array,
      { nested: Uint8Array },
    ];
    expect(decoded[0]).toBe('photo.png');
    expect(decoded[1]).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(decoded[1]).equals(Buffer.from(bytes))).toBe(true);
    expect([...decoded[2].nested]).toEqual([1, 2, 3]);
  });

  it('leaves ordinary objects with a $bytes field among others alone', () => {
    expect(decodeWire('{"$bytes":"AQI=","other":1}')).toEqual({ $bytes: 'AQI=', other: 1 });
  });
});

describe('channel map', () => {
  it('accepts well-formed arguments and optional trailing ones', () => {
    expect(parseChannelArgs(HOST_CHANNELS, 'queue', [{ nodes: {} }])).toEqual({
      ok: true,
      args: [{ nodes: {} }],
    });
    expect(parseChannelArgs(HOST_CHANNELS, 'queue', [{ nodes: {} }, 'My run'])).toMatchObject({ ok: true });
    expect(parseChannelArgs(HOST_CHANNELS, 'cancel', [])).toMatchObject({ ok: true });
    expect(parseChannelArgs(SHELL_CHANNELS, 'updateSettings', [{ device: 'cpu' }])).toMatchObject({
      ok: true,
    });
  });

  it('refuses wrong arguments naming the method and argument', () => {
    const bad = parseChannelArgs(HOST_CHANNELS, 'writeGraph', ['graphs:a.json', 'not a graph']);
    expect(bad).toEqual({
      ok: false,
      message: expect.stringMatching(/^writeGraph: bad request \(argument 1: expected a graph document/),
    });
    expect(parseChannelArgs(HOST_CHANNELS, 'catalogue', ['extra'])).toMatchObject({ ok: false });
    expect(parseChannelArgs(SHELL_CHANNELS, 'updateSettings', [{ device: 'tpu' }])).toMatchObject({
      ok: false,
    });
    expect(parseChannelArgs(SHELL_CHANNELS, 'updateSettings', [{ nodeIntegration: true }])).toMatchObject({
      ok: false,
    });
    expect(parseChannelArgs(HOST_CHANNELS, 'toString', [])).toEqual({
      ok: false,
      message: 'unknown method "toString"',
    });
  });

  it('dispatches to the target and wraps results and errors in the envelope', async () => {
    const target = {
      readGraph: async (id: string) => ({ id }),
      cancel: async () => undefined,
      listGraphs: async () => {
        throw new HostError('forbidden', 'no');
      },
      listInputs: async () => {
        throw new Error('disk on fire');
      },
    };
    expect(await dispatchChannel(HOST_CHANNELS, target, 'readGraph', ['graphs:a.json'])).toEqual({
      ok: true,
      result: { id: 'graphs:a.json' },
    });
    expect(await dispatchChannel(HOST_CHANNELS, target, 'cancel', [])).toEqual({ ok: true, result: null });
    expect(await dispatchChannel(HOST_CHANNELS, target, 'listGraphs', [])).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'no' },
    });
    expect(await dispatchChannel(HOST_CHANNELS, target, 'listInputs', [])).toEqual({
      ok: false,
      error: { code: 'internal', message: 'disk on fire' },
    });
    expect(await dispatchChannel(HOST_CHANNELS, target, 'catalogue', [])).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await dispatchChannel(HOST_CHANNELS, target, 'readGraph', [])).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  });
});
