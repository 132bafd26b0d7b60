// Loads the real preload script with a stand-in for the `electron` module and checks what it
// exposes: exactly the channel map's functions plus the two subscriptions.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { invokeChannelNames } from '../../../main/electron/ipc-handlers.ts';
import {
  EVENT_CHANNEL,
  HOST_CHANNEL_NAMES,
  IPC_PREFIX,
  MENU_CHANNEL,
  SHELL_CHANNEL_NAMES,
} from '../../../main/host/shared/channels.ts';

type Listener = (event: unknown, payload: unknown) => void;

function loadPreload() {
  const source = readFileSync(
    fileURLToPath(new URL('../../../main/electron/preload.cjs', import.meta.url)),
    'utf8',
  );
  const exposed: Record<string, Record<string, (...args: unknown[]) => unknown>> = {};
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<Listener>>();
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: Record<string, (...args: unknown[]) => unknown>) =>
        (exposed[key] = api),
    },
    ipcRenderer: {
      invoke: (...args: unknown[]) => {
        invoked.push(args);
        return Promise.resolve({ ok: true, result: null });
      },
      on: (channel: string, listener: Listener) =>
        listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
      removeListener: (channel: string, listener: Listener) => listeners.get(channel)?.delete(listener),
    },
  };
  const requireStub = (name: string) => {
    if (name !== 'electron') throw new Error(`the sandboxed preload may not require ${name}`);
    return electron;
  };
  new Function('require', source)(requireStub);
  const emit = (channel: string, payload: unknown) => {
    for (const listener of listeners.get(channel) ?? []) listener({ sender: 'secret' }, payload);
  };
  return { exposed, invoked, emit };
}

describe('preload', () => {
  it('exposes exactly one function per channel of the channel map, plus onEvent and onMenuCommand', () => {
    const { exposed } = loadPreload();
    expect(Object.keys(exposed)).toEqual(['diffgraph']);
    const names = Object.keys(exposed.diffgraph).sort();
    expect(names).toEqual([...HOST_CHANNEL_NAMES, ...SHELL_CHANNEL_NAMES, 'onEvent', 'onMenuCommand'].sort());
    expect(Object.isFrozen(exposed.diffgraph)).toBe(true);
  });

  it('invokes the prefixed channel the main process handles, with the arguments as given', async () => {
    const { exposed, invoked } = loadPreload();
    for (const name of [...HOST_CHANNEL_NAMES, ...SHELL_CHANNEL_NAMES]) await exposed.diffgraph[name]('a', 1);
    expect(invoked.map((call) => call[0])).toEqual(invokeChannelNames());
    expect(invoked[0]).toEqual([`${IPC_PREFIX}catalogue`, 'a', 1]);
  });

  it('passes event payloads to listeners without the IPC event object, and unsubscribes', () => {
    const { exposed, emit } = loadPreload();
    const received: unknown[] = [];
    const off = exposed.diffgraph.onEvent((payload: unknown) => received.push(payload)) as () => void;
    emit(`${IPC_PREFIX}${EVENT_CHANNEL}`, { type: 'queue' });
    off();
    emit(`${IPC_PREFIX}${EVENT_CHANNEL}`, { type: 'late' });
    expect(received).toEqual([{ type: 'queue' }]);
    expect(() => exposed.diffgraph.onEvent('not a function')).toThrow(TypeError);
  });

  it('keeps menu commands sent before the editor subscribed and hands them to the first subscriber', async () => {
    const { exposed, emit } = loadPreload();
    emit(`${IPC_PREFIX}${MENU_CHANNEL}`, { type: 'open-graph', id: 'file:/a.json' });
    const received: unknown[] = [];
    exposed.diffgraph.onMenuCommand((command: unknown) => received.push(command));
    await Promise.resolve();
    emit(`${IPC_PREFIX}${MENU_CHANNEL}`, { type: 'save' });
    expect(received).toEqual([{ type: 'open-graph', id: 'file:/a.json' }, { type: 'save' }]);
  });
});
