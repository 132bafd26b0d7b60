// Plain words for file-system failures users can act on (a full disk, a read-only folder),
// instead of "ENOSPC: no space left on device, write" and a stack trace.

const PLAIN: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  EROFS: 'the folder is on a read-only file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EMFILE: 'too many open files',
};

/** "the disk is full (ENOSPC)" for known codes, else the error's own message. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code && PLAIN[code]) return `${PLAIN[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
