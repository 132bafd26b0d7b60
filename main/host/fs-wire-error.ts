// File-system errors as the editor sees them: a status that fits and a message without the
// machine's paths (Node's own messages carry the absolute path). Browser-safe: no Node imports.
import type { HostErrorCode } from './shared/errors.ts';

/** Longest file or folder name most file systems accept, in bytes. */
export const MAX_NAME_BYTES = 255;

const BY_ERRNO: Record<string, { code: HostErrorCode; message: string }> = {
  ENAMETOOLONG: {
    code: 'bad-request',
    message: `a name is too long (at most ${MAX_NAME_BYTES} bytes per file name)`,
  },
  ENOENT: { code: 'not-found', message: 'no such file or folder' },
  EACCES: { code: 'forbidden', message: 'permission denied' },
  EPERM: { code: 'forbidden', message: 'permission denied' },
  EISDIR: { code: 'bad-request', message: 'a folder, not a file' },
  ENOTDIR: { code: 'bad-request', message: 'a path component is not a folder' },
  ENOSPC: { code: 'unavailable', message: 'the disk is full' },
  EROFS: { code: 'forbidden', message: 'the folder is on a read-only file system' },
};

/** The wire error for a Node errno error, or null for anything else. */
export function fsWireError(error: unknown): { code: HostErrorCode; message: string } | null {
  const errno = (error as { code?: unknown } | null)?.code;
  if (typeof errno !== 'string' || !/^E[A-Z]+$/.test(errno)) return null;
  const known = BY_ERRNO[errno];
  return known
    ? { ...known, message: `${known.message} (${errno})` }
    : { code: 'internal', message: `file system error (${errno})` };
}
