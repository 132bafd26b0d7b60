// `diffgraph serve`'s own settings: the models folder and device chosen in the editor's settings
// panel, kept in <home>/settings.json (the desktop app's settings file format, written atomically)
// and applied by restarting the engine. A command-line flag (--models, --device) wins over the file
// and fixes that setting for the session.
import { stat } from 'node:fs/promises';
import type { DeviceName } from '../../nodes/api.ts';
import type { EngineLike } from '../engine/transport/engine-calls.ts';
import { SwappableEngine } from '../engine/transport/swappable-engine.ts';
import { SettingsStore, type StoredSettings } from '../host/settings-store.ts';
import type { HostSettings } from '../host/shared/api.ts';
import { HostError } from '../host/shared/errors.ts';
import type { DiffgraphPaths } from '../paths.ts';

export interface ServerSettingsOptions {
  /** Folder of settings.json (the Diffgraph home folder). */
  dir: string;
  paths: DiffgraphPaths;
  device: DeviceName;
  /** Settings given on the command line: the file does not override them, the editor cannot change them. */
  fixed: { modelsDir: boolean; device: boolean };
  startEngine(paths: DiffgraphPaths, device: DeviceName): Promise<EngineLike>;
  /** True when nothing is queued or running (the engine can be restarted). */
  queueIsEmpty(): Promise<boolean>;
}

export class ServerSettings {
  readonly engine: SwappableEngine;

  private constructor(
    private readonly options: ServerSettingsOptions,
    private readonly store: SettingsStore,
    engine: EngineLike,
  ) {
    this.engine = new SwappableEngine(engine);
  }

  /** Reads the file (a damaged one is set aside, as the desktop app does) and starts the engine. */
  static async open(options: ServerSettingsOptions): Promise<ServerSettings> {
    const store = new SettingsStore(options.dir);
    const loaded = await store.load();
    if (loaded.recovered)
      console.warn(
        `diffgraph serve: settings file unreadable (${loaded.recovered.reason}); moved to ${loaded.recovered.movedTo}`,
      );
    const effective = effectiveOf(options, loaded.settings);
    const engine = await options.startEngine(effective.paths, effective.device);
    return new ServerSettings(options, store, engine);
  }

  /** The models folder in use now (the first of the models roots). */
  modelsDir(): string {
    return effectiveOf(this.options, this.store.get()).paths.models;
  }

  async hostSettings(): Promise<HostSettings> {
    const { fixed } = this.options;
    const effective = effectiveOf(this.options, this.store.get());
    const flags = [fixed.modelsDir && '--models', fixed.device && '--device'].filter(Boolean);
    return {
      modelsDir: effective.paths.models,
      device: effective.device,
      editable: { modelsDir: !fixed.modelsDir, device: !fixed.device },
      note: flags.length > 0 ? `set on the command line (${flags.join(', ')})` : undefined,
    };
  }

  async updateHostSettings(patch: { modelsDir?: string | null; device?: DeviceName }): Promise<HostSettings> {
    const { fixed } = this.options;
    if (patch.modelsDir !== undefined && fixed.modelsDir)
      throw new HostError(
        'bad-request',
        'the models folder was given with --models: restart serve without it',
      );
    if (patch.device !== undefined && fixed.device)
      throw new HostError('bad-request', 'the device was given with --device: restart serve without it');
    if (patch.modelsDir) await requireFolder(patch.modelsDir);
    if (!(await this.options.queueIsEmpty()))
      throw new HostError(
        'conflict',
        'finish or cancel the queued runs before changing the models folder or device',
      );
    const next = await this.store.update(patch);
    const effective = effectiveOf(this.options, next);
    // Runs queued while the new engine starts wait for it (the old one is closed).
    await this.engine.restart(() => this.options.startEngine(effective.paths, effective.device));
    return this.hostSettings();
  }
}

function effectiveOf(options: ServerSettingsOptions, stored: StoredSettings) {
  const models = options.fixed.modelsDir ? options.paths.models : (stored.modelsDir ?? options.paths.models);
  const device = options.fixed.device ? options.device : stored.device;
  return { paths: { ...options.paths, models }, device };
}

async function requireFolder(path: string): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory())
    throw new HostError('bad-request', `models folder ${path} is not an existing folder`);
}
