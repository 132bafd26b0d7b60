// The one HostApi instance the editor talks to (HTTP/WebSocket in a browser, IPC in Electron).
import type { HostApi } from '../../../main/host/shared/api.ts';

let current: HostApi | null = null;

export function setHost(host: HostApi): void {
  current = host;
}

export function host(): HostApi {
  if (!current) throw new Error('The editor is not connected to a host yet');
  return current;
}

export function hasHost(): boolean {
  return current !== null;
}
