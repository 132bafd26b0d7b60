// The editor's stored settings: each field checked on its own, bad ones named and replaced by
// their default, key bindings in the form the shortcut handler produces and never bound twice.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  editorSettingsSchema,
  readStoredSettings,
} from '../../../renderer/src/store/editor-settings.ts';

describe('stored editor settings', () => {
  it('nothing stored: the defaults, no problems', () => {
    expect(readStoredSettings(null)).toEqual({ settings: DEFAULT_SETTINGS, problems: [] });
  });

  it('keeps the valid fields and names the invalid ones', () => {
    const raw = JSON.stringify({ theme: 'light', linkStyle: 'zigzag', keybindings: { 'Shift+N': 'Alt+N' } });
    const { settings, problems } = readStoredSettings(raw);
    expect(settings).toEqual({ theme: 'light', linkStyle: 'spline', keybindings: { 'Shift+N': 'Alt+N' } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^settings\.linkStyle: /);
  });

  it('not JSON: the defaults and a line that says so', () => {
    expect(readStoredSettings('{oops').problems).toEqual(['diffgraph.settings in localStorage is not JSON']);
  });

  it('key bindings: key names only, and one action per keys', () => {
    const ok = { ...DEFAULT_SETTINGS, keybindings: { 'Shift+N': 'Ctrl+Alt+Shift+K', F: 'F2', L: '?' } };
    expect(editorSettingsSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['Shift+Ctrl+K', 'ctrl+k', 'Ctrl+', '']) {
      const parsed = editorSettingsSchema.safeParse({ ...DEFAULT_SETTINGS, keybindings: { F: bad } });
      expect(parsed.success, bad).toBe(false);
    }
    const twice = editorSettingsSchema.safeParse({
      ...DEFAULT_SETTINGS,
      keybindings: { F: 'Alt+F', L: 'Alt+F' },
    });
    expect(twice.success).toBe(false);
    expect(twice.error?.issues[0].message).toBe('Alt+F is already bound to F');
  });
});
