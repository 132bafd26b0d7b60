// The editor's own preferences (theme, wire style, key bindings), validated with zod and kept in
// localStorage, in the browser and in the desktop app alike. Models folders and device are the
// host's settings (the desktop shell's, see panels/SettingsPanel.tsx), not stored here.
import { z } from 'zod';
import { createStore } from './store.ts';

export const THEMES = ['dark', 'light'] as const;
/** spline: curves; straight: one segment; linear: right-angle steps; hidden: no wires drawn. */
export const LINK_STYLES = ['spline', 'straight', 'linear', 'hidden'] as const;
export type Theme = (typeof THEMES)[number];
export type LinkStyle = (typeof LINK_STYLES)[number];

/** A key name as `keyName` (hooks/shortcuts.ts) writes it: modifiers in a fixed order, then one key. */
const KEY_NAME = /^(Ctrl\+)?(Alt\+)?(Shift\+)?([A-Z0-9]|F[0-9]{1,2}|[A-Z][a-zA-Z]+|[^\s+A-Za-z0-9])$/;

export const keyBindingSchema = z
  .string()
  .regex(KEY_NAME, 'expected a key such as "Ctrl+Shift+K", "Alt+C" or "F2"');

/** Bindings the user changed: a shortcut's built-in keys (its id) → the keys that now trigger it. */
const keybindingsSchema = z
  .record(z.string().min(1).max(64), keyBindingSchema)
  .superRefine((bindings, ctx) => {
    const seen = new Map<string, string>();
    for (const [action, keys] of Object.entries(bindings)) {
      const other = seen.get(keys);
      if (other)
        ctx.addIssue({ code: 'custom', path: [action], message: `${keys} is already bound to ${other}` });
      seen.set(keys, action);
    }
  });

export const editorSettingsSchema = z
  .object({
    theme: z.enum(THEMES),
    linkStyle: z.enum(LINK_STYLES),
    keybindings: keybindingsSchema,
  })
  .strict();

export type EditorSettings = z.infer<typeof editorSettingsSchema>;

export const DEFAULT_SETTINGS: EditorSettings = { theme: 'dark', linkStyle: 'spline', keybindings: {} };
export const SETTINGS_KEY = 'diffgraph.settings';

export const editorSettings = createStore<EditorSettings>(DEFAULT_SETTINGS);

/** One readable line per problem: "settings.linkStyle: Invalid option…". */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `settings.${i.path.join('.') || '(root)'}: ${i.message}`);
}

/**
 * Reads the stored settings. A field that does not validate falls back to its default and is named
 * in `problems`; the others are kept.
 */
export function readStoredSettings(raw: string | null): { settings: EditorSettings; problems: string[] } {
  if (raw === null) return { settings: DEFAULT_SETTINGS, problems: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { settings: DEFAULT_SETTINGS, problems: [`${SETTINGS_KEY} in localStorage is not JSON`] };
  }
  const stored = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const settings = { ...DEFAULT_SETTINGS };
  const problems: string[] = [];
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof EditorSettings)[]) {
    if (!(key in stored)) continue;
    const field = editorSettingsSchema.shape[key].safeParse(stored[key]);
    if (field.success) Object.assign(settings, { [key]: field.data });
    else
      problems.push(
        ...describeIssues(new z.ZodError(field.error.issues.map((i) => ({ ...i, path: [key, ...i.path] })))),
      );
  }
  return { settings, problems };
}

/** Validates a change; on success stores and applies it, else returns the problems (nothing changes). */
export function updateSettings(patch: Partial<EditorSettings>): string[] {
  const next = editorSettingsSchema.safeParse({ ...editorSettings.get(), ...patch });
  if (!next.success) return describeIssues(next.error);
  try {
    // One setItem replaces the whole value: a reader never sees half a write.
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(next.data));
  } catch (error) {
    return [`could not store the settings: ${(error as Error).message}`];
  }
  editorSettings.set(next.data);
  applyToPage(next.data);
  return [];
}

/** Theme and wire style are page-wide: CSS reads them from the root element. */
export function applyToPage(settings: EditorSettings): void {
  document.documentElement.dataset.theme = settings.theme;
  document.documentElement.dataset.linkStyle = settings.linkStyle;
}

/** At start-up: the stored settings, applied; problems with them are returned for a toast. */
export function loadEditorSettings(): string[] {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(SETTINGS_KEY);
  } catch {
    // Storage disabled: defaults.
  }
  const { settings, problems } = readStoredSettings(raw);
  editorSettings.set(settings);
  applyToPage(settings);
  return problems;
}
