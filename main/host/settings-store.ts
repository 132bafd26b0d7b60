// The desktop app's settings (models folder, device, recent files) as JSON in its user data folder (serve keeps its own in the same format),
// checked by a zod schema and written atomically. A damaged file is set aside (renamed, never
// deleted) and the defaults are used, so a bad write can never keep the app from starting.
import { readFile, rename } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { DEVICE_NAMES, type DeviceName } from '../../nodes/api.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import type { ShellSettings } from './shared/api.ts';
import { HostError } from './shared/errors.ts';

export const MAX_RECENT = 10;

export const settingsSchema = z.object({
  version: z.literal(1),
  modelsDir: z
    .string()
    .refine((path) => isAbsolute(path), 'must be an absolute path')
    .nullable(),
  device: z.enum(DEVICE_NAMES as [DeviceName, ...DeviceName[]]),
  recentFiles: z.array(z.string().refine((path) => isAbsolute(path), 'must be an absolute path')).max(50),
});

export type StoredSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: StoredSettings = {
  version: 1,
  modelsDir: null,
  device: 'auto',
  recentFiles: [],
};

export interface LoadResult {
  settings: StoredSettings;
  /** Set when the file was unreadable and moved aside: tell the user where it went. */
  recovered?: { movedTo: string; reason: string };
}

export class SettingsStore {
  private current: StoredSettings = DEFAULT_SETTINGS;
  private writing: Promise<unknown> = Promise.resolve();
  readonly file: string;

  constructor(userDataDir: string) {
    this.file = join(userDataDir, 'settings.json');
  }

  async load(): Promise<LoadResult> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.current = DEFAULT_SETTINGS;
      return { settings: this.current };
    }
    const reason = problemWith(text);
    if (reason === null) {
      this.current = settingsSchema.parse(JSON.parse(text));
      return { settings: this.current };
    }
    const movedTo = `${this.file}.corrupt-${Date.now()}`;
    await rename(this.file, movedTo);
    this.current = DEFAULT_SETTINGS;
    return { settings: this.current, recovered: { movedTo, reason } };
  }

  get(): StoredSettings {
    return this.current;
  }

  /** Apply a change and write the file. Changes are applied one after another, never interleaved. */
  update(patch: Partial<Omit<StoredSettings, 'version'>>): Promise<StoredSettings> {
    return this.serialized((current) => ({ ...current, ...patch }));
  }

  /** Put a file at the top of the recent list (deduplicated, at most MAX_RECENT). */
  addRecent(path: string): Promise<StoredSettings> {
    const absolute = resolve(path);
    return this.serialized((current) => ({
      ...current,
      recentFiles: [absolute, ...current.recentFiles.filter((p) => p !== absolute)].slice(0, MAX_RECENT),
    }));
  }

  private serialized(change: (current: StoredSettings) => unknown): Promise<StoredSettings> {
    const result = this.writing.then(async () => {
      const parsed = settingsSchema.safeParse(change(this.current));
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
        throw new HostError('bad-request', `settings not changed: ${issues.join('; ')}`);
      }
      await writeFileAtomic(this.file, `${JSON.stringify(parsed.data, null, 2)}\n`);
      this.current = parsed.data;
      return parsed.data;
    });
    this.writing = result.catch(() => {});
    return result;
  }
}

function problemWith(text: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  const parsed = settingsSchema.safeParse(json);
  if (parsed.success) return null;
  return parsed.error.issues
    .map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`)
    .join('; ');
}

export function toShellSettings(stored: StoredSettings): ShellSettings {
  return { modelsDir: stored.modelsDir, device: stored.device, recentFiles: [...stored.recentFiles] };
}
