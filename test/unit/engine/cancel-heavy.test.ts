// Regression (cancel): seeded noise for a huge latent was one synchronous loop,
// so a cancel waited until it had finished (through the server, cancel seemed to do nothing). Big
// noise fills now run in chunks with a turn of the event loop between them, checking the signal.
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../main/engine/events.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import { defineNode } from '../../../nodes/api.ts';
import { latentNodes } from '../../../nodes/latent.ts';
import { SD_DENOISER_CONFIG } from '../../../nodes/sd-constants.ts';
import { makeTestNodes, silentLogger, testRuntime } from './test-nodes.ts';

/** A denoiser with SD's noise schedule and no network: AddNoise needs only its config. */
const scheduleOnly = defineNode({
  type: 'TScheduleModel',
  displayName: 'Schedule model',
  category: 'test',
  description: "a MODEL with SD 1.5's schedule and no network",
  inputs: [],
  widgets: [],
  outputs: [{ name: 'model', type: 'MODEL' }],
  run: async () => ({ model: { kind: 'denoiser', name: 'schedule-only', config: SD_DENOISER_CONFIG } }),
});

const realLatentNodes = latentNodes.filter((n) => n.type === 'EmptyLatent' || n.type === 'AddNoise');

/** EmptyLatent 4096² × batch 16 (16.8 M values, 64 MiB) → AddNoise → SaveLatent. */
function bigNoiseGraph() {
  return {
    format: 'diffgraph',
    version: 1,
    nodes: {
      model: { type: 'TScheduleModel', widgets: {}, position: [0, 0] },
      empty: {
        type: 'EmptyLatent',
        widgets: { width: 4096, height: 4096, batch: 16, channels: 4 },
        position: [0, 200],
      },
      noise: { type: 'AddNoise', widgets: { timestep: 999, seed: 7 }, position: [300, 0] },
      save: { type: 'TSave', widgets: { prefix: 'big' }, position: [600, 0] },
    },
    edges: [
      { from: ['model', 'model'], to: ['noise', 'model'] },
      { from: ['empty', 'latent'], to: ['noise', 'latent'] },
      { from: ['noise', 'latent'], to: ['save', 'latent'] },
    ],
  };
}

describe('cancel during allocation-heavy work', () => {
  it('a cancel during a big seeded noise fill stops it before the node finishes', async () => {
    const nodes = makeTestNodes([scheduleOnly, ...realLatentNodes]);
    const engine = new Engine({ registry: nodes.registry, runtime: testRuntime(), logger: silentLogger });
    const events: EngineEvent[] = [];
    let cancelledAt = 0;
    const result = await engine.run(bigNoiseGraph(), {
      runId: 'big',
      onEvent: (event) => {
        events.push(event);
        // A timer, as the worker's cancel message is: it can only fire between chunks of the fill.
        if (event.type === 'node-started' && event.nodeId === 'noise') {
          setTimeout(() => {
            cancelledAt = Date.now();
            engine.cancel('big');
          }, 0);
        }
      },
    });
    const endedAt = Date.now();
    expect(result.status).toBe('cancelled');
    expect(events.at(-1)).toEqual({ type: 'run-cancelled', runId: 'big' });
    // The fill was interrupted: AddNoise never finished and nothing after it ran.
    expect(events.some((e) => e.type === 'node-done' && e.nodeId === 'noise')).toBe(false);
    expect(events.some((e) => e.type === 'node-error')).toBe(false);
    expect(nodes.calls).not.toContain('save');
    expect(cancelledAt).toBeGreaterThan(0);
    expect(endedAt - cancelledAt).toBeLessThan(5000); // generous: one chunk is a few milliseconds
  }, 30_000);
});
