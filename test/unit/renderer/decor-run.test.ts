import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../main/host/shared/api.ts';
import {
  addGroup,
  addReroute,
  moveGroup,
  removeReroute,
  rerouteIndex,
} from '../../../renderer/src/doc/decor.ts';
import { applyHostEvent, emptyRunView, type RunView } from '../../../renderer/src/store/run-state.ts';
import { txt2img } from './fixtures.ts';

describe('groups and reroutes', () => {
  it('moving a group carries the nodes inside its frame and nothing else', () => {
    const { doc, id } = addGroup(txt2img(), [-10, -10, 400, 300], 'Prompts');
    const moved = moveGroup(doc, id, [90, 40]);
    expect(moved.groups?.[0].bounds).toEqual([90, 40, 400, 300]);
    expect(moved.nodes.pipe.position).toEqual([100, 50]);
    expect(moved.nodes.pos.position).toEqual([400, 50]);
    expect(moved.nodes.neg.position).toEqual([400, 250]);
    expect(moved.nodes.sampler.position).toEqual([600, 0]);
  });

  it('inserts reroute points in path order and removes them', () => {
    let doc = txt2img();
    const start: [number, number] = [0, 0];
    const end: [number, number] = [300, 0];
    doc = addReroute(doc, 0, rerouteIndex(start, [], end, [200, 10]), [200, 10]);
    const pts = doc.edges[0].points ?? [];
    doc = addReroute(doc, 0, rerouteIndex(start, pts, end, [100, 5]), [100, 5]);
    expect(doc.edges[0].points).toEqual([
      [100, 5],
      [200, 10],
    ]);
    doc = removeReroute(removeReroute(doc, 0, 0), 0, 0);
    expect('points' in doc.edges[0]).toBe(false);
  });
});

describe('run view from host events', () => {
  const url = (p: string) => `/files${p}`;
  const play = (events: HostEvent[]) =>
    events.reduce<RunView>((v, e) => applyHostEvent(v, e, url, 1), emptyRunView());

  it('tracks waiting, running with steps, cached, done and outputs into the gallery', () => {
    const view = play([
      { type: 'run-started', runId: 'r1', plan: ['pipe', 'sampler', 'save'] },
      { type: 'node-cached', runId: 'r1', nodeId: 'pipe' },
      { type: 'node-started', runId: 'r1', nodeId: 'sampler', nodeType: 'Sampler' },
      {
        type: 'node-progress',
        runId: 'r1',
        nodeId: 'sampler',
        step: 3,
        total: 20,
        preview: { width: 8, height: 8, dataUrl: 'data:x' },
      },
    ]);
    expect(view.nodes.pipe.phase).toBe('cached');
    expect(view.nodes.sampler).toMatchObject({ phase: 'running', step: 3, total: 20, preview: 'data:x' });
    expect(view.nodes.save.phase).toBe('waiting');
    const done = [
      { type: 'node-done', runId: 'r1', nodeId: 'sampler', ms: 1200 },
      {
        type: 'node-output',
        runId: 'r1',
        nodeId: 'save',
        file: { kind: 'image', path: '/out/a.png', meta: { seed: 7 } },
      },
      { type: 'node-done', runId: 'r1', nodeId: 'save', ms: 30 },
      { type: 'run-done', runId: 'r1', ms: 1300, outputs: [] },
    ] satisfies HostEvent[];
    const end = done.reduce<RunView>((v, e) => applyHostEvent(v, e, url, 1), view);
    expect(end.nodes.sampler).toMatchObject({ phase: 'done', ms: 1200 });
    expect(end.nodes.save.images).toEqual(['/files/out/a.png']);
    expect(end.gallery).toEqual([
      { runId: 'r1', nodeId: 'save', url: '/files/out/a.png', path: '/out/a.png', seed: 7, time: 1 },
    ]);
    expect(end.status).toEqual({ kind: 'done', message: 'Done in 1.30 s' });
  });

  it('shows errors on their node and clears unfinished states on cancel', () => {
    const failed = play([
      { type: 'run-started', runId: 'r1', plan: ['a', 'b'] },
      { type: 'node-started', runId: 'r1', nodeId: 'a', nodeType: 'X' },
      { type: 'run-failed', runId: 'r1', nodeId: 'a', message: 'a: model not found' },
    ]);
    expect(failed.nodes.a).toMatchObject({ phase: 'error', message: 'a: model not found' });
    expect(failed.status.kind).toBe('failed');
    const cancelled = play([
      { type: 'run-started', runId: 'r2', plan: ['a', 'b'] },
      { type: 'node-done', runId: 'r2', nodeId: 'a', ms: 5 },
      { type: 'node-started', runId: 'r2', nodeId: 'b', nodeType: 'X' },
      { type: 'run-cancelled', runId: 'r2' },
    ]);
    expect(Object.keys(cancelled.nodes)).toEqual(['a']);
    expect(cancelled.status.kind).toBe('cancelled');
  });

  it('ignores events of a run other than the one shown', () => {
    const view = play([
      { type: 'run-started', runId: 'r2', plan: ['a'] },
      { type: 'node-error', runId: 'r1', nodeId: 'a', message: 'old' },
    ]);
    expect(view.nodes.a.phase).toBe('waiting');
  });
});
