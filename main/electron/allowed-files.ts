// Graph files outside the app's folders that the editor may read and write: the ones the user
// picked in a dialog or named on the command line this session, and the recent list (which only
// ever holds such files). Everything else outside the folders stays refused.
import { isAbsolute, resolve } from 'node:path';
import type { ExternalGraphFiles } from '../host/graph-files.ts';

export class AllowedGraphFiles implements ExternalGraphFiles {
  private readonly chosen = new Set<string>();

  constructor(
    private readonly recentList: () => readonly string[],
    private readonly onTouched: (path: string) => void | Promise<void>,
  ) {}

  /** The user chose this file (dialog, command line, OS "open with"). */
  allow(path: string): string {
    const absolute = resolve(path);
    this.chosen.add(absolute);
    return absolute;
  }

  isAllowed(path: string): boolean {
    if (!isAbsolute(path) || resolve(path) !== path || !path.toLowerCase().endsWith('.json')) return false;
    return this.chosen.has(path) || this.recentList().includes(path);
  }

  recent(): string[] {
    return [...this.recentList()];
  }

  touched(path: string): void | Promise<void> {
    return this.onTouched(path);
  }
}
