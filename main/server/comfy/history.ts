// ComfyUI-style run history, kept in <output>/comfy-history.json (written atomically after each
// change) so /history survives a restart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.ts';

export interface ComfyImageRef {
  filename: string;
  subfolder: string;
  type: 'output' | 'input' | 'temp';
}

export interface HistoryEntry {
  prompt: [number, string, unknown, Record<string, unknown>, string[]];
  outputs: Record<string, { images: ComfyImageRef[] }>;
  status: { status_str: 'success' | 'error'; completed: boolean; messages: [string, unknown][] };
}

export const HISTORY_FILE = 'comfy-history.json';

export class ComfyHistory {
  private entries: Record<string, HistoryEntry> = {};
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly outputDir: string) {
    try {
      const parsed = JSON.parse(readFileSync(join(outputDir, HISTORY_FILE), 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        this.entries = parsed as Record<string, HistoryEntry>;
    } catch {
      this.entries = {}; // no history yet, or an unreadable one: start afresh
    }
  }

  all(): Record<string, HistoryEntry> {
    return this.entries;
  }

  get(id: string): HistoryEntry | undefined {
    return Object.hasOwn(this.entries, id) ? this.entries[id] : undefined;
  }

  set(id: string, entry: HistoryEntry): Promise<void> {
    this.entries[id] = entry;
    return this.save();
  }

  clear(ids?: string[]): Promise<void> {
    if (!ids) this.entries = {};
    else for (const id of ids) delete this.entries[id];
    return this.save();
  }

  private save(): Promise<void> {
    const text = `${JSON.stringify(this.entries)}\n`;
    this.writing = this.writing.then(() => writeFileAtomic(join(this.outputDir, HISTORY_FILE), text));
    return this.writing;
  }
}
