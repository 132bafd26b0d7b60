// The Electron HostApi is derived from the channel map: every host and shell channel reaches the
// preload function of the same name with its arguments, and error envelopes become HostCallErrors.
import { describe, expect, it } from 'vitest';
import type { DiffgraphBridge } from '../../../main/host/shared/bridge.ts';
import { HOST_CHANNEL_NAMES, SHELL_CHANNEL_NAMES } from '../../../main/host/shared/channels.ts';
import { HostCallError } from '../../../main/host/shared/http-client.ts';
import { createIpcHostApi } from '../../../main/host/shared/ipc-client.ts';

function fakeBridge() {
  const calls: unknown[][] = [];
  const bridge: Record<string, unknown> = {
    onEvent: () => () => {},
    onMenuCommand: () => () => {},
  };
  for (const name of [...HOST_CHANNEL_NAMES, ...SHELL_CHANNEL_NAMES]) {
    bridge[name] = async (...args: unknown[]) => {
      calls.push([name, ...args]);
      return name === 'listGraphs'
        ? { ok: false, error: { code: 'forbidden', message: 'listGraphs: refused' } }
        : { ok: true, result: `${name}-answer` };
    };
  }
  return { bridge: bridge as unknown as DiffgraphBridge, calls };
}

describe('createIpcHostApi', () => {
  it('has one method per channel, each calling the bridge function of that name', async () => {
    const { bridge, calls } = fakeBridge();
    const api = createIpcHostApi(bridge, 'app://diffgraph');
    const shell = api.shell as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const host = api as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    for (const name of HOST_CHANNEL_NAMES.filter((n) => n !== 'listGraphs')) {
      expect(await host[name]('x', 2)).toBe(`${name}-answer`);
    }
    for (const name of SHELL_CHANNEL_NAMES) expect(await shell[name]('y')).toBe(`${name}-answer`);
    expect(calls.map((call) => call[0])).toEqual([
      ...HOST_CHANNEL_NAMES.filter((n) => n !== 'listGraphs'),
      ...SHELL_CHANNEL_NAMES,
    ]);
    expect(calls[0]).toEqual(['catalogue', 'x', 2]);
    expect(api.fileUrl('output/a.png')).toMatch(/^app:\/\/diffgraph\//);
  });

  it('turns an error envelope into a HostCallError with its code and message', async () => {
    const { bridge } = fakeBridge();
    const error = await createIpcHostApi(bridge, 'app://diffgraph')
      .listGraphs()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostCallError);
    expect(error).toMatchObject({ code: 'forbidden', message: 'listGraphs: refused' });
  });
});
