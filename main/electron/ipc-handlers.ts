// Electron IPC for the channel map: one ipcMain handler per fixed channel. Each checks that the
// call comes from the app's own top-level page, validates the arguments with the channel's zod
// schema and answers an RpcResponse envelope (so error codes and messages reach the editor intact).

import { dispatchChannel } from '../host/dispatch.ts';
import type { HostCoreApi } from '../host/host-core.ts';
import type { ShellApi } from '../host/shared/api.ts';
import {
  HOST_CHANNEL_NAMES,
  HOST_CHANNELS,
  IPC_PREFIX,
  SHELL_CHANNEL_NAMES,
  SHELL_CHANNELS,
} from '../host/shared/channels.ts';
import type { RpcResponse } from '../host/shared/wire.ts';
import { isTrustedSender } from './app-origin.ts';

/** The part of an IpcMainInvokeEvent the handlers use. */
export interface InvokeEventLike {
  senderFrame: { url: string; parent: unknown } | null;
  sender: unknown;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Shell methods act on the window that asked (dialog parent, title), hence one object per sender. */
export type ShellMainApi = Omit<ShellApi, 'onMenuCommand'>;

export interface IpcTargets {
  host: HostCoreApi;
  shellFor(sender: unknown): ShellMainApi;
}

/** Every IPC channel the main process answers (the preload exposes exactly these). */
export function invokeChannelNames(): string[] {
  return [...HOST_CHANNEL_NAMES, ...SHELL_CHANNEL_NAMES].map((name) => `${IPC_PREFIX}${name}`);
}

export function registerIpcHandlers(ipcMain: IpcMainLike, targets: IpcTargets): () => void {
  const refuse = (name: string): RpcResponse => ({
    ok: false,
    error: {
      code: 'forbidden',
      message: `${name}: refused, the call did not come from the Diffgraph editor page`,
    },
  });
  for (const name of HOST_CHANNEL_NAMES) {
    ipcMain.handle(`${IPC_PREFIX}${name}`, async (event, ...args) =>
      isTrustedSender(event.senderFrame)
        ? dispatchChannel(HOST_CHANNELS, targets.host, name, args)
        : refuse(name),
    );
  }
  for (const name of SHELL_CHANNEL_NAMES) {
    ipcMain.handle(`${IPC_PREFIX}${name}`, async (event, ...args) =>
      isTrustedSender(event.senderFrame)
        ? dispatchChannel(SHELL_CHANNELS, targets.shellFor(event.sender), name, args)
        : refuse(name),
    );
  }
  return () => {
    for (const channel of invokeChannelNames()) ipcMain.removeHandler(channel);
  };
}
