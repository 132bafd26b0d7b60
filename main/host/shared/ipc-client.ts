// HostApi for the editor inside the Electron app, over the preload's `window.diffgraph` bridge.
// The page is served from the app's own protocol, so file URLs have the same form as in a browser.
// The methods come from the channel map; only the subscriptions and fileUrl are written here.
// Browser-safe.
import { remoteMethods } from '../../rpc/remote-methods.ts';
import type { HostApi, ShellApi } from './api.ts';
import type { DiffgraphBridge } from './bridge.ts';
import { HOST_CHANNEL_NAMES, type HostChannel, SHELL_CHANNEL_NAMES, type ShellChannel } from './channels.ts';
import { fileUrlFor } from './file-url.ts';
import { HostCallError } from './http-client.ts';
import type { RpcResponse } from './wire.ts';

export function createIpcHostApi(bridge: DiffgraphBridge, pageOrigin = globalThis.location.origin): HostApi {
  const invoke = async (name: HostChannel | ShellChannel, args: unknown[]): Promise<unknown> => {
    const channel = bridge[name] as (...args: unknown[]) => Promise<RpcResponse>;
    const envelope = await channel(...args);
    if (!envelope.ok) throw new HostCallError(envelope.error.code, envelope.error.message);
    return envelope.result;
  };
  const shell: ShellApi = {
    ...remoteMethods<ShellApi, ShellChannel>(SHELL_CHANNEL_NAMES, invoke),
    onMenuCommand: (listener) => bridge.onMenuCommand(listener),
  };
  return {
    ...remoteMethods<HostApi, HostChannel>(HOST_CHANNEL_NAMES, invoke),
    onEvent: (listener) => bridge.onEvent(listener),
    fileUrl: (path) => fileUrlFor(`${pageOrigin}/`, path),
    shell,
  };
}
