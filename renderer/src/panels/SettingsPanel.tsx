// Settings: the editor's theme, wire style and key bindings (kept by the editor, browser and desktop
// alike) and the host's models folder and device (the desktop app's settings, or the server's).
import { useEffect, useState } from 'react';
import type { HostSettings, ShellSettings } from '../../../main/host/shared/api.ts';
import type { DeviceName } from '../../../nodes/api.ts';
import { rebind, rebindable, resetBinding } from '../hooks/keybindings.ts';
import { boundKeys, keyName, SHORTCUTS, type Shortcut } from '../hooks/shortcuts.ts';
import { host } from '../host/host.ts';
import { toast } from '../store/editor.ts';
import {
  type EditorSettings,
  editorSettings,
  LINK_STYLES,
  THEMES,
  updateSettings,
} from '../store/editor-settings.ts';
import { modelLibrary, refreshModelLibrary } from '../store/model-library.ts';
import { useSlice } from '../store/store.ts';
import { type DeviceReportLike, deviceChoice } from './device-options.ts';

const LINK_LABELS: Record<EditorSettings['linkStyle'], string> = {
  spline: 'Spline',
  straight: 'Straight',
  linear: 'Linear (steps)',
  hidden: 'Hidden',
};

function report(problems: string[]): void {
  for (const p of problems) toast(p, 'error');
}

export function SettingsPanel() {
  const settings = useSlice(editorSettings, (s) => s);
  return (
    <div className="dg-library dg-settings" data-testid="settings">
      <div className="dg-library-scroll">
        <h3 className="dg-library-heading">Appearance</h3>
        <label className="dg-setting">
          <span>Theme</span>
          <select
            data-testid="setting-theme"
            value={settings.theme}
            onChange={(e) => report(updateSettings({ theme: e.target.value as EditorSettings['theme'] }))}
          >
            {THEMES.map((t) => (
              <option key={t} value={t}>
                {t === 'dark' ? 'Dark' : 'Light'}
              </option>
            ))}
          </select>
        </label>
        <label className="dg-setting">
          <span>Wires</span>
          <select
            data-testid="setting-link-style"
            value={settings.linkStyle}
            onChange={(e) =>
              report(updateSettings({ linkStyle: e.target.value as EditorSettings['linkStyle'] }))
            }
          >
            {LINK_STYLES.map((l) => (
              <option key={l} value={l}>
                {LINK_LABELS[l]}
              </option>
            ))}
          </select>
        </label>
        <HostSettingsForm />
        <h3 className="dg-library-heading">Keyboard</h3>
        <table className="dg-keybindings" data-testid="keybindings">
          <tbody>
            {SHORTCUTS.filter(rebindable).map((s) => (
              <KeyRow key={s.keys + s.label} shortcut={s} bindings={settings.keybindings} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** One shortcut: click its keys, press the new ones (Escape cancels); ↺ restores the built-in keys. */
function KeyRow({ shortcut, bindings }: { shortcut: Shortcut; bindings: Record<string, string> }) {
  const [recording, setRecording] = useState(false);
  const keys = boundKeys(shortcut, bindings);
  const changed = keys !== shortcut.keys;
  return (
    <tr>
      <td>{shortcut.label}</td>
      <td>
        <button
          type="button"
          className={`dg-key-button ${recording ? 'dg-recording' : ''}`}
          data-testid={`keybinding-${shortcut.keys}`}
          title="Click, then press the new keys (Escape cancels)"
          onClick={() => setRecording(true)}
          onBlur={() => setRecording(false)}
          onKeyDown={(e) => {
            if (!recording) return;
            e.preventDefault();
            e.stopPropagation();
            if (['Control', 'Shift', 'Alt', 'Meta'].includes(e.key)) return;
            setRecording(false);
            if (e.key === 'Escape') return;
            report(rebind(shortcut, keyName(e.nativeEvent)));
          }}
        >
          {recording ? 'Press keys…' : keys}
        </button>
        {changed && (
          <button
            type="button"
            className="dg-icon-button"
            title={`Back to ${shortcut.keys}`}
            data-testid={`keybinding-reset-${shortcut.keys}`}
            onClick={() => report(resetBinding(shortcut))}
          >
            ↺
          </button>
        )}
      </td>
    </tr>
  );
}

/** Models folder and device: the desktop app's shell settings, or the server's (`diffgraph serve`). */
function hostSettingsSource(): {
  get(): Promise<HostSettings>;
  update(patch: { modelsDir?: string | null; device?: DeviceName }): Promise<HostSettings>;
} {
  const shell = host().shell;
  if (!shell) return { get: () => host().hostSettings(), update: (p) => host().updateHostSettings(p) };
  const fromShell = (s: ShellSettings): HostSettings => ({
    modelsDir: s.modelsDir,
    device: s.device,
    editable: { modelsDir: true, device: true },
  });
  return {
    get: async () => fromShell(await shell.getSettings()),
    update: async (p) => fromShell(await shell.updateSettings(p)),
  };
}

/** Changing either restarts the engine, so the queue must be empty; the host says so if it is not. */
function HostSettingsForm() {
  const shell = host().shell;
  const roots = useSlice(modelLibrary, (s) => s.roots);
  const [settings, setSettings] = useState<HostSettings | null>(null);
  const [folder, setFolder] = useState('');
  const [devices, setDevices] = useState<DeviceReportLike | null>(null);
  useEffect(() => {
    void refreshModelLibrary();
    host()
      .devices()
      .then(setDevices)
      .catch(() => setDevices(null));
    hostSettingsSource()
      .get()
      .then((s) => {
        setSettings(s);
        setFolder(s.modelsDir ?? '');
      })
      .catch((error) => toast(`Could not read the settings: ${(error as Error).message}`, 'error'));
  }, []);

  const change = async (patch: { modelsDir?: string | null; device?: DeviceName }) => {
    try {
      const next = await hostSettingsSource().update(patch);
      setSettings(next);
      setFolder(next.modelsDir ?? '');
      const what = patch.device ? `device ${next.device}` : `models folder ${next.modelsDir ?? '(default)'}`;
      toast(`Saved ${what}; the engine restarted`);
      void refreshModelLibrary();
    } catch (error) {
      toast(`Could not change the settings: ${(error as Error).message}`, 'error');
    }
  };
  const editable = settings?.editable ?? { modelsDir: false, device: false };
  const choice = deviceChoice(devices, settings?.device ?? 'auto');

  return (
    <>
      <h3 className="dg-library-heading">Models and device</h3>
      <div className="dg-setting dg-setting-block">
        <span>Models folders</span>
        <ul className="dg-folder-list" data-testid="setting-models-folders">
          {roots.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
        {editable.modelsDir && !shell && (
          <form
            className="dg-folder-form"
            onSubmit={(e) => {
              e.preventDefault();
              void change({ modelsDir: folder.trim() || null });
            }}
          >
            <input
              data-testid="setting-models-dir"
              value={folder}
              placeholder="/absolute/path/to/models"
              onChange={(e) => setFolder(e.target.value)}
            />
            <button type="submit" data-testid="setting-models-dir-apply">
              Apply
            </button>
          </form>
        )}
        {editable.modelsDir && shell && (
          <button
            type="button"
            onClick={async () => {
              const dir = await shell.chooseModelsFolder();
              if (dir) await change({ modelsDir: dir });
            }}
          >
            Choose…
          </button>
        )}
      </div>
      <div className="dg-setting">
        <span>Device</span>
        {settings && editable.device ? (
          <select
            data-testid="setting-device"
            value={settings.device}
            onChange={(e) => void change({ device: e.target.value as DeviceName })}
          >
            {choice.options.map((d) => (
              <option key={d.name} value={d.name} title={d.title}>
                {d.label}
              </option>
            ))}
          </select>
        ) : (
          <span data-testid="setting-device-fixed">{settings?.device ?? 'auto'}</span>
        )}
      </div>
      {editable.device && choice.missing.length > 0 && (
        <p
          className="dg-muted dg-setting-hint"
          data-testid="setting-device-missing"
          title={choice.missing.join('\n')}
        >
          Not available here: {choice.missing.join('; ')}.
        </p>
      )}
      {settings?.note && <p className="dg-muted dg-setting-hint">Fixed: {settings.note}.</p>}
    </>
  );
}
