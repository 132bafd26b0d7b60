// One ONNX Runtime session per (model file, device), created on first use and shared by every
// run and graph in the process (reached through RuntimeServices.service). Wrappers hold a
// SessionHandle, not a session, so a later run after `unloadAll` transparently reloads.
import { resolve, sep } from 'node:path';
import ort from 'onnxruntime-node';
import type { DeviceName, RuntimeServices } from '../../nodes/api.ts';
import { ModelInputError } from '../../nodes/widget-errors.ts';
import { autoDevices, type ConcreteDevice, executionProviders, knownUnavailable } from './devices.ts';
import { availableMemoryBytes, budgetRoom, checkModelFits, type MemoryLimits } from './model-fit.ts';
import { createCpuSessionWithSavedOptimisation, type OptimisedSession } from './optimised-model-cache.ts';
import { intraOpThreads, toIO, weightBytes } from './session-facts.ts';
import type { ModelIO } from './slot-signatures.ts';

export interface LoadedSession {
  key: string;
  name: string;
  slot: string;
  path: string;
  device: ConcreteDevice;
  /** Approximate memory: the model's weight bytes (file plus external data). */
  bytes: number;
  session: ort.InferenceSession;
  io: ModelIO;
  /** Runs in progress on this session. */
  active: number;
  /** Unloaded: released as soon as no run uses it; new runs load a fresh session. */
  retired: boolean;
  /** Set for models under a `saveOptimisedUnder` folder: where the optimised graph came from. */
  optimised?: OptimisedSession['source'];
}

export interface SessionRequest {
  path: string;
  /** Display name (model name and slot). */
  name: string;
  slot: string;
  /** The widget's device; `auto` resolves to the runtime's device, then to the best available. */
  device: DeviceName;
  /** The runtime's default device (CLI --device, editor settings). */
  defaultDevice: DeviceName;
}

/** Called after every session.run with its wall time (bench/txt2img.ts instruments through this). */
export type RunTimer = (slot: string, milliseconds: number) => void;

export type Notify = (message: string) => void;

export class SessionPool {
  private readonly sessions = new Map<string, Promise<LoadedSession>>();
  /** Sessions whose load finished, for synchronous listing. */
  private readonly ready = new Map<string, LoadedSession>();
  /** Models that `auto` already moved to the CPU, so the failing device is not retried per call. */
  private readonly autoFallbacks = new Set<string>();
  /** Per-model result caches (text encodings), dropped with the sessions. */
  private readonly caches = new Map<string, Map<string, Float32Array>>();
  timer?: RunTimer;
  /** What a new session must fit in (the engine sets its --memory-budget here). */
  limits: MemoryLimits = { available: availableMemoryBytes };
  /** Folders whose models keep a saved CPU-optimised copy (Diffgraph's own build caches). */
  private readonly optimisedRoots = new Set<string>();

  /** `autoDevice` is what `auto` picks (tests pass a device that fails to exercise the fallback). */
  constructor(
    private readonly autoDevice: () => Promise<ConcreteDevice> = async () =>
      (await autoDevices()).auto as ConcreteDevice,
  ) {}

  /** Models under `folder` (which Diffgraph owns) get their optimised graph saved beside them. */
  saveOptimisedUnder(folder: string): void {
    this.optimisedRoots.add(resolve(folder) + sep);
  }

  /**
   * Saved copies are opt-in ($DIFFGRAPH_SAVE_OPTIMISED=1): they cut a warm SD 1.5 load from ~14 s to
   * ~3 s, but ORT memory-maps their re-laid-out weights from the file, and the U-Net then took 9–14%
   * more CPU time per call than a session optimised at load (bench/checkpoint-load.ts).
   */
  private savesOptimised(path: string, device: ConcreteDevice): boolean {
    if (device !== 'cpu' || process.env.DIFFGRAPH_SAVE_OPTIMISED !== '1') return false;
    const full = resolve(path);
    return [...this.optimisedRoots].some((root) => full.startsWith(root));
  }

  cache(key: string): Map<string, Float32Array> {
    let cache = this.caches.get(key);
    if (!cache) {
      cache = new Map();
      this.caches.set(key, cache);
    }
    return cache;
  }

  /** Resolve the device, load (or reuse) the session; `notify` hears about auto fallbacks. */
  async acquire(request: SessionRequest, notify: Notify): Promise<LoadedSession> {
    const explicit = request.device !== 'auto' ? request.device : request.defaultDevice;
    const device: ConcreteDevice = explicit !== 'auto' ? explicit : await this.autoDevice();
    const isAuto = explicit === 'auto';
    const fallbackKey = `${request.path}|${device}`;
    if (isAuto && this.autoFallbacks.has(fallbackKey)) return this.load(request, 'cpu');
    try {
      return await this.load(request, device);
    } catch (error) {
      if (!isAuto || device === 'cpu' || (error as ModelInputError).field !== 'device') throw error;
      this.autoFallbacks.add(fallbackKey);
      notify(`device auto: ${(error as Error).message}; running on the CPU instead`);
      return this.load(request, 'cpu');
    }
  }

  private load(request: SessionRequest, device: ConcreteDevice): Promise<LoadedSession> {
    const key = `${request.path}|${device}`;
    let pending = this.sessions.get(key);
    if (!pending) {
      pending = this.create(key, request, device);
      this.sessions.set(key, pending);
      const current = pending;
      // Ignore loads that finish after an unloadAll forgot them.
      current.then(
        (loaded) => this.sessions.get(key) === current && this.ready.set(key, loaded),
        () => this.sessions.get(key) === current && this.sessions.delete(key),
      );
    }
    return pending;
  }

  private async create(key: string, request: SessionRequest, device: ConcreteDevice): Promise<LoadedSession> {
    const bytes = await weightBytes(request.path);
    return {
      ...(await this.openSession(request, device, bytes)),
      key,
      name: request.name,
      slot: request.slot,
      path: request.path,
      device,
      bytes,
      active: 0,
      retired: false,
    };
  }

  /** Refuse what cannot fit (after unloading idle sessions), then create the ONNX Runtime session. */
  private async openSession(request: SessionRequest, device: ConcreteDevice, bytes: number) {
    await this.makeRoom(request, bytes);
    let session: ort.InferenceSession;
    const unavailable = knownUnavailable(device);
    if (unavailable)
      throw new ModelInputError(
        'device',
        `device "${device}" could not load ${request.path}: ${unavailable}`,
      );
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: executionProviders(device),
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
      ...intraOpThreads(),
      // Idle intra-op threads sleep instead of spinning after each run: spinning took the cores
      // the sampler, previews and PNG encoding need between U-Net calls (bench/txt2img.ts).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    };
    let optimised: OptimisedSession['source'] | undefined;
    try {
      if (this.savesOptimised(request.path, device)) {
        ({ session, source: optimised } = await createCpuSessionWithSavedOptimisation(request.path, options));
      } else session = await ort.InferenceSession.create(request.path, options);
    } catch (error) {
      const reason = (error as Error).message.split('\n')[0];
      if (device === 'cpu') {
        throw new ModelInputError(
          'file',
          `${request.path} could not be loaded as an ONNX model (corrupt file?): ${reason}`,
        );
      }
      throw new ModelInputError('device', `device "${device}" could not load ${request.path}: ${reason}`);
    }
    return { session, io: toIO(session), optimised };
  }

  /** Weight bytes held by loaded sessions (those still in use by a run when `busyOnly`). */
  private heldBytes(busyOnly: boolean): number {
    return this.settled()
      .filter((s) => !busyOnly || s.active > 0)
      .reduce((sum, s) => sum + s.bytes, 0);
  }

  /**
   * A model that fits only without the idle loaded ones unloads those first (as ComfyUI frees models
   * for the next one); one that cannot fit even then is refused with the sizes named.
   */
  private async makeRoom(request: SessionRequest, bytes: number): Promise<void> {
    const name = `${request.name} (${request.slot})`;
    const held = this.heldBytes(false);
    if (bytes <= budgetRoom(this.limits, held) && bytes <= this.limits.available()) return;
    checkModelFits(name, bytes, this.heldBytes(true), this.limits);
    for (const loaded of this.settled()) if (loaded.active === 0) await this.unload(loaded.key);
    checkModelFits(name, bytes, this.heldBytes(false), this.limits);
  }

  /** session.run with the timing hook. Call without awaiting between the retired check and here. */
  async run(
    loaded: LoadedSession,
    feeds: Record<string, ort.Tensor>,
  ): Promise<ort.InferenceSession.ReturnType> {
    const started = performance.now();
    loaded.active += 1;
    try {
      return await loaded.session.run(feeds);
    } finally {
      loaded.active -= 1;
      this.timer?.(loaded.slot, performance.now() - started);
      if (loaded.retired && loaded.active === 0) await loaded.session.release();
    }
  }

  /** Loaded sessions (loads in progress are not listed). */
  settled(): LoadedSession[] {
    return [...this.ready.values()];
  }

  /**
   * Forget one loaded session by key (a later run loads it again) and release it as soon as no run
   * uses it; false when no session has that key.
   */
  async unload(key: string): Promise<boolean> {
    const pending = this.sessions.get(key);
    if (!pending) return false;
    this.sessions.delete(key);
    this.ready.delete(key);
    const entry = await pending.catch(() => undefined);
    if (!entry) return false;
    entry.retired = true;
    if (entry.active === 0) await entry.session.release();
    return true;
  }

  /**
   * Forget every session (later runs load fresh ones) and release each as soon as no run is
   * using it; returns how many were loaded.
   */
  async unloadAll(): Promise<number> {
    const pending = [...this.sessions.values()];
    this.sessions.clear();
    this.ready.clear();
    this.caches.clear();
    this.autoFallbacks.clear();
    const loaded = (await Promise.allSettled(pending)).flatMap((r) =>
      r.status === 'fulfilled' ? [r.value] : [],
    );
    for (const entry of loaded) {
      entry.retired = true;
      if (entry.active === 0) await entry.session.release();
    }
    return loaded.length;
  }
}

export const SESSION_POOL_KEY = 'onnx-sessions';

export function sessionPool(runtime: RuntimeServices): SessionPool {
  return runtime.service(SESSION_POOL_KEY, () => new SessionPool());
}

/** A wrapper's way to its session: re-acquired per call, so unloading never leaves it dangling. */
export class SessionHandle {
  constructor(
    readonly pool: SessionPool,
    readonly request: SessionRequest,
    private readonly notify: Notify,
    /** Inputs and outputs read from the file's header, when known before loading. */
    readonly declared?: ModelIO,
  ) {}

  get(): Promise<LoadedSession> {
    return this.pool.acquire(this.request, this.notify);
  }

  async run(
    feeds: Record<string, ort.Tensor>,
    signal?: AbortSignal,
  ): Promise<ort.InferenceSession.ReturnType> {
    signal?.throwIfAborted();
    let loaded = await this.get();
    // Unloaded between acquiring and running: the pool now hands out a fresh session.
    if (loaded.retired) loaded = await this.get();
    return this.pool.run(loaded, feeds);
  }
}
