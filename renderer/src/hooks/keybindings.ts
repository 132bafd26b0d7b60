// Changing which keys trigger a shortcut: checked against every other shortcut's keys, then saved.

import { editorSettings, keyBindingSchema, updateSettings } from '../store/editor-settings.ts';
import { boundKeys, SHORTCUTS, type Shortcut } from './shortcuts.ts';

/** Shortcuts a user may rebind (the copy/paste line only documents the browser's own clipboard keys). */
export function rebindable(shortcut: Shortcut): boolean {
  return !shortcut.keys.includes(' / ');
}

/** Binds `shortcut` to `keys`; returns the problems (empty when saved). */
export function rebind(shortcut: Shortcut, keys: string): string[] {
  const format = keyBindingSchema.safeParse(keys);
  if (!format.success) return [`${shortcut.label}: ${format.error.issues[0].message}, got "${keys}"`];
  const bindings = { ...editorSettings.get().keybindings };
  const taken = SHORTCUTS.find((s) => s !== shortcut && boundKeys(s, bindings) === keys);
  if (taken) return [`${keys} already triggers "${taken.label}"`];
  if (keys === shortcut.keys) delete bindings[shortcut.keys];
  else bindings[shortcut.keys] = keys;
  return updateSettings({ keybindings: bindings });
}

export function resetBinding(shortcut: Shortcut): string[] {
  const { [shortcut.keys]: _dropped, ...rest } = editorSettings.get().keybindings;
  return updateSettings({ keybindings: rest });
}
