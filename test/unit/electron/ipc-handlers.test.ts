import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_START_URL } from '../../../main/electron/app-origin.ts';
import {
  type InvokeEventLike,
  type IpcMainLike,
  invokeChannelNames,
  registerIpcHandlers,
  type ShellMainApi,
} from '../../../main/electron/ipc-handlers.ts';
import { HostCore } from '../../../main/host/host-core.ts';
import { FakeEngine } from '../host/fake-engine.ts';

type Handler = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(channel: string, frame: InvokeEventLike['senderFrame'], ...args: unknown[]) {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler({ senderFrame: frame, sender: 'window-1' }, ...args);
  }
}

const appFrame = { url: APP_START_URL, parent: null };
let base: string;
let ipc: FakeIpcMain;
let shellSenders: unknown[];
let unregister: () => void;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'diffgraph-ipc-'));
  const paths = {
    models: join(base, 'm'),
    input: join(base, 'i'),
    output: join(base, 'o'),
    graphs: join(base, 'g'),
  };
  for (const dir of Object.values(paths)) await mkdir(dir);
  const core = new HostCore({ engine: new FakeEngine(), paths, templatesDir: join(base, 't') });
  ipc = new FakeIpcMain();
  shellSenders = [];
  const shell = {
    getSettings: async () => ({ modelsDir: null, device: 'cpu', recentFiles: [] }),
  } as unknown as ShellMainApi;
  unregister = registerIpcHandlers(ipc, {
    host: core,
    shellFor: (sender) => {
      shellSenders.push(sender);
      return shell;
    },
  });
});
afterEach(() => rm(base, { recursive: true, force: true }));

describe('IPC handlers', () => {
  it('register exactly the channel map (the channels the preload exposes), and unregister them', () => {
    expect([...ipc.handlers.keys()]).toEqual(invokeChannelNames());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('answer calls from the app page in the envelope', async () => {
    expect(await ipc.invoke('diffgraph:queueState', appFrame)).toEqual({ ok: true, result: { items: [] } });
    expect(await ipc.invoke('diffgraph:writeGraph', appFrame, 'mine', { nodes: {} })).toEqual({
      ok: true,
      result: 'graphs:mine.json',
    });
    expect(await ipc.invoke('diffgraph:getSettings', appFrame)).toEqual({
      ok: true,
      result: { modelsDir: null, device: 'cpu', recentFiles: [] },
    });
    expect(shellSenders).toEqual(['window-1']);
  });

  it('validate payloads with the channel schemas', async () => {
    expect(await ipc.invoke('diffgraph:writeGraph', appFrame, 'mine', 'not a graph')).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await ipc.invoke('diffgraph:uploadInput', appFrame, 'a.png', [1, 2, 3])).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await ipc.invoke('diffgraph:readGraph', appFrame, 'graphs:../../etc/passwd')).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('refuse senders other than the top-level app page', async () => {
    for (const frame of [
      { url: 'https://evil.example/', parent: null },
      { url: APP_START_URL, parent: {} },
      null,
    ]) {
      expect(await ipc.invoke('diffgraph:queueState', frame)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(await ipc.invoke('diffgraph:getSettings', frame)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
    }
    expect(shellSenders).toEqual([]);
  });
});
