// Instruments a txt2img run for bench/txt2img.ts without touching production code: node
// definitions are wrapped so the MODEL's predict, the VAE's decode and the Sampler's progress
// callback are timed, and the session pool's timer sums session.run per slot.

import type { EngineEvent } from '../main/engine/events.ts';
import { Engine } from '../main/engine/execute/engine.ts';
import { NodeRegistry } from '../main/engine/registry.ts';
import { sessionPool } from '../main/runtime/session-pool.ts';
import type { NodeContext, NodeDefinition, RuntimeServices } from '../nodes/api.ts';
import { builtinNodes } from '../nodes/index.ts';
import type { ImageBatch } from '../nodes/types.ts';

export interface RunProfile {
  totalMs: number;
  /** session.run wall time and count per slot (text_encoder, unet, vae_decoder). */
  sessionRun: Map<string, { ms: number; runs: number }>;
  /** Node wall times by node type (summed over nodes of one type). */
  nodeMs: Map<string, number>;
  /** MODEL.predict calls: wall time including session.run. */
  predictMs: number;
  predictCalls: number;
  /** VAE.decode wall time including session.run. */
  decodeMs: number;
  /** Sampler progress callbacks: event emission plus preview PNG encoding. */
  progressMs: number;
  previews: number;
  /** The decoded image (to time its PNG encoding separately after the run). */
  image?: ImageBatch;
}

function emptyProfile(): RunProfile {
  return {
    totalMs: 0,
    sessionRun: new Map(),
    nodeMs: new Map(),
    predictMs: 0,
    predictCalls: 0,
    decodeMs: 0,
    progressMs: 0,
    previews: 0,
  };
}

let current = emptyProfile();

/** `target` with `method` timed into the current profile. */
function timed<T extends object>(
  target: T,
  method: string,
  record: (ms: number, result: unknown) => void,
): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver);
      if (key !== method || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = performance.now();
        const result = await value.apply(obj, args);
        record(performance.now() - started, result);
        return result;
      };
    },
  });
}

function wrapOutputs(outputs: Record<string, unknown>): Record<string, unknown> {
  const out = { ...outputs };
  if (out.model && typeof out.model === 'object') {
    out.model = timed(out.model, 'predict', (ms) => {
      current.predictMs += ms;
      current.predictCalls += 1;
    });
  }
  if (out.vae && typeof out.vae === 'object') {
    out.vae = timed(out.vae, 'decode', (ms, result) => {
      current.decodeMs += ms;
      current.image = result as ImageBatch;
    });
  }
  return out;
}

function timedProgress(ctx: NodeContext): NodeContext {
  return {
    ...ctx,
    progress(step, total, preview) {
      const started = performance.now();
      ctx.progress(step, total, preview);
      current.progressMs += performance.now() - started;
      if (preview) current.previews += 1;
    },
  };
}

function instrument(def: NodeDefinition): NodeDefinition {
  if (def.type === 'Sampler') return { ...def, run: (ctx, inputs) => def.run(timedProgress(ctx), inputs) };
  if (!def.type.startsWith('Load')) return def;
  return { ...def, run: async (ctx, inputs) => wrapOutputs(await def.run(ctx, inputs)) };
}

export function probedRegistry(): NodeRegistry {
  return new NodeRegistry(builtinNodes().map(instrument));
}

/** Run `graph` on a fresh engine (no result cache: every node runs) and profile it. */
export async function profiledRun(
  runtime: RuntimeServices,
  graph: { nodes: Record<string, { type: string }> },
): Promise<RunProfile> {
  const profile = emptyProfile();
  current = profile;
  sessionPool(runtime).timer = (slot, ms) => {
    const entry = profile.sessionRun.get(slot) ?? { ms: 0, runs: 0 };
    entry.ms += ms;
    entry.runs += 1;
    profile.sessionRun.set(slot, entry);
  };
  const onEvent = (event: EngineEvent) => {
    if (event.type !== 'node-done') return;
    const type = graph.nodes[event.nodeId]?.type ?? event.nodeId;
    profile.nodeMs.set(type, (profile.nodeMs.get(type) ?? 0) + event.ms);
  };
  const quiet = { info() {}, warn() {}, error() {} };
  const engine = new Engine({ registry: probedRegistry(), runtime, logger: quiet });
  const started = performance.now();
  const result = await engine.run(graph, { onEvent });
  profile.totalMs = performance.now() - started;
  if (result.status !== 'done') throw new Error(`run ${result.status}: ${result.error?.message}`);
  return profile;
}
