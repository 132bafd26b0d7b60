// The shape of `window.diffgraph`, the object the Electron preload exposes through contextBridge:
// one function per fixed channel (answering an RpcResponse envelope) and two subscriptions.
// Browser-safe types only.
import type { HostEvent, MenuCommand } from './api.ts';
import type {
  HostChannel,
  HostRequest,
  HostResponse,
  ShellChannel,
  ShellRequest,
  ShellResponse,
} from './channels.ts';
import type { RpcResponse } from './wire.ts';

export type DiffgraphBridge = {
  [K in HostChannel]: (...args: HostRequest<K>) => Promise<RpcResponse<HostResponse<K>>>;
} & {
  [K in ShellChannel]: (...args: ShellRequest<K>) => Promise<RpcResponse<ShellResponse<K>>>;
} & {
  onEvent(listener: (event: HostEvent) => void): () => void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
};

/** The preload's global, when running inside the Electron app. */
export function electronBridge(): DiffgraphBridge | null {
  const candidate = (globalThis as { diffgraph?: DiffgraphBridge }).diffgraph;
  return candidate && typeof candidate.catalogue === 'function' ? candidate : null;
}
