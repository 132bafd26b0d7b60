// Byte counts for messages, the CLI and the editor: GiB from 1 GiB up, MiB below (pure, browser-safe).
export function formatBytes(bytes: number): string {
  const gib = bytes / 2 ** 30;
  return gib >= 1 ? `${gib.toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
