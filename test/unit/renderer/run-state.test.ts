// Run state belongs to a document and a run.
import { describe, expect, it } from 'vitest';
import type { GraphProblem } from '../../../main/engine/events.ts';
import type { HostEvent } from '../../../main/host/shared/api.ts';
import { describeRefusal } from '../../../renderer/src/store/refusal.ts';
import {
  applyHostEvent,
  emptyRunView,
  forgetDocumentRuns,
  pruneRunNodes,
  type RunView,
} from '../../../renderer/src/store/run-state.ts';
import { SCHEMAS, txt2img } from './fixtures.ts';

const url = (p: string) => `/files${p}`;
const play = (events: HostEvent[], from: RunView = emptyRunView()) =>
  events.reduce<RunView>((v, e) => applyHostEvent(v, e, url, 1), from);

const started: HostEvent[] = [
  { type: 'run-started', runId: 'r1', plan: ['pipe', 'sampler', 'decode', 'save'] },
  { type: 'node-done', runId: 'r1', nodeId: 'pipe', ms: 3 },
  { type: 'node-started', runId: 'r1', nodeId: 'sampler', nodeType: 'Sampler' },
];

describe('run state per run', () => {
  it('a failed run leaves no node waiting or running: the ones it never reached are marked skipped', () => {
    const view = play([
      ...started,
      { type: 'node-error', runId: 'r1', nodeId: 'sampler', message: 'bad latent' },
      { type: 'run-failed', runId: 'r1', nodeId: 'sampler', message: 'bad latent' },
    ]);
    expect(view.nodes.pipe.phase).toBe('done');
    expect(view.nodes.sampler.phase).toBe('error');
    expect(view.nodes.decode.phase).toBe('skipped');
    expect(view.nodes.save.phase).toBe('skipped');
  });

  it('a run that ends while a node still reports running finishes it', () => {
    const view = play([...started, { type: 'run-done', runId: 'r1', ms: 9, outputs: [] }]);
    expect(Object.values(view.nodes).map((n) => n.phase)).toEqual(['done']);
  });

  it('opening another document drops node states and ignores the old runs from then on', () => {
    const running = play([
      ...started,
      { type: 'queue', queue: { items: [{ runId: 'r2', title: 't', state: 'queued', queuedAt: 0 }] } },
    ]);
    const reopened = forgetDocumentRuns(running, ['r0']);
    expect(reopened.nodes).toEqual({});
    expect(reopened.status.kind).toBe('idle');
    const later = play(
      [
        { type: 'node-error', runId: 'r1', nodeId: 'sampler', message: 'old' },
        { type: 'run-started', runId: 'r2', plan: ['save'] },
        { type: 'node-done', runId: 'r2', nodeId: 'save', ms: 4 },
        { type: 'node-output', runId: 'r2', nodeId: 'save', file: { kind: 'image', path: '/o.png' } },
        { type: 'run-failed', runId: 'r0', nodeId: null, message: 'x', problems: [] },
      ],
      reopened,
    );
    expect(later.nodes).toEqual({});
    expect(later.runId).toBeNull();
    // The image still reaches the gallery: it exists on disk whichever document made it.
    expect(later.gallery.map((g) => g.url)).toEqual(['/files/o.png']);
  });

  it('a node that is new under an id from the last run starts without that run state', () => {
    const view = play([...started, { type: 'run-done', runId: 'r1', ms: 9, outputs: [] }]);
    const doc = txt2img();
    const { pipe, ...rest } = doc.nodes;
    const removed = { ...doc, nodes: rest };
    expect(pruneRunNodes(view, doc, removed).nodes.pipe).toBeUndefined();
    const retyped = { ...doc, nodes: { ...doc.nodes, pipe: { ...pipe, type: 'Other' } } };
    expect(pruneRunNodes(view, doc, retyped).nodes.pipe).toBeUndefined();
    const readded = pruneRunNodes(view, removed, doc);
    expect(readded.nodes.pipe).toBeUndefined();
    // An edit that keeps the nodes keeps the state (same object: nothing re-renders).
    const moved = {
      ...doc,
      nodes: { ...doc.nodes, pipe: { ...pipe, position: [5, 5] as [number, number] } },
    };
    expect(pruneRunNodes(view, doc, moved)).toBe(view);
  });
});

describe('refused runs', () => {
  const problems: GraphProblem[] = [
    { nodeId: 'sampler', field: 'latent', code: 'missing-input', message: 'needs a LATENT input' },
    { nodeId: null, code: 'no-output-node', message: 'The graph has no output node' },
  ];

  it('a refusal from the host (no run-started) is listed with its problems and replaces the old status', () => {
    const before = play([...started, { type: 'run-done', runId: 'r1', ms: 58, outputs: [] }]);
    expect(before.status.message).toBe('Done in 58 ms');
    const view = play(
      [{ type: 'run-failed', runId: 'r9', nodeId: 'sampler', message: 'x', problems }],
      before,
    );
    expect(view.refused).toEqual([{ id: 'r9', time: 1, problems }]);
    expect(view.status).toEqual({ kind: 'failed', message: 'Run refused: 2 problems' });
    // The shown run's node states are untouched.
    expect(view.nodes).toBe(before.nodes);
  });

  it('the message names each problem with its node title or display name', () => {
    const doc = txt2img();
    const schemas = new Map(SCHEMAS.map((s) => [s.type, s]));
    const size: GraphProblem = {
      nodeId: 'empty',
      field: 'width',
      code: 'bad-widget-value',
      message: 'too big',
    };
    expect(describeRefusal([size], doc, schemas)).toBe('Run refused, 1 problem: Empty Latent: too big');
    doc.nodes.sampler.title = 'My sampler';
    expect(describeRefusal(problems, doc, schemas)).toBe(
      'Run refused, 2 problems: My sampler: needs a LATENT input; The graph has no output node',
    );
  });
});
