import { beforeEach, describe, expect, it } from 'vitest';
import { setWidget } from '../../../renderer/src/doc/commands.ts';
import {
  commit,
  commitQuietly,
  editor,
  initialState,
  isDirty,
  redo,
  replaceDocument,
  sealHistory,
  setProblems,
  undo,
} from '../../../renderer/src/store/editor.ts';
import { txt2img } from './fixtures.ts';

beforeEach(() => {
  editor.set(initialState());
  replaceDocument(txt2img(), { id: 'graphs:t.json', name: 't.json' });
});

describe('editor store', () => {
  it('an opened document is clean; an edit marks it dirty; undoing back to it cleans it again', () => {
    expect(isDirty(editor.get())).toBe(false);
    commit((d) => setWidget(d, 'pos', 'text', 'a blue ring'));
    expect(isDirty(editor.get())).toBe(true);
    undo();
    expect(isDirty(editor.get())).toBe(false);
    redo();
    expect(editor.get().doc.nodes.pos.widgets.text).toBe('a blue ring');
  });

  it('typing into one widget undoes as one step, and a sealed group starts a new one', () => {
    for (const text of ['a', 'a b', 'a bl', 'a blu', 'a blue'])
      commit((d) => setWidget(d, 'pos', 'text', text), 'widget:pos:text');
    sealHistory();
    commit((d) => setWidget(d, 'pos', 'text', 'a blue!'), 'widget:pos:text');
    undo();
    expect(editor.get().doc.nodes.pos.widgets.text).toBe('a blue');
    undo();
    expect(editor.get().doc.nodes.pos.widgets.text).toBe('a red circle');
  });

  it('an edit that changes nothing records no undo step', () => {
    commit((d) => d);
    expect(editor.get().history.past).toHaveLength(0);
  });

  it('sorts validation problems by node, with whole-graph problems under the empty key', () => {
    setProblems([
      { nodeId: 'sampler', field: 'latent', code: 'missing-input', message: 'latent is not connected' },
      { nodeId: null, code: 'no-output-node', message: 'nothing saves or previews' },
      { nodeId: 'sampler', field: 'steps', code: 'bad-widget-value', message: 'steps must be at least 1' },
    ]);
    const byNode = editor.get().problemsByNode;
    expect(byNode.sampler.map((p) => p.field)).toEqual(['latent', 'steps']);
    expect(byNode[''].map((p) => p.code)).toEqual(['no-output-node']);
  });

  it('seed changes after a run are no undo step and keep a saved document saved', () => {
    commitQuietly((d) => setWidget(d, 'sampler', 'seed', 6));
    expect(isDirty(editor.get())).toBe(false);
    expect(editor.get().history.past).toHaveLength(0);
    commit((d) => setWidget(d, 'pos', 'text', 'x'));
    commitQuietly((d) => setWidget(d, 'sampler', 'seed', 7));
    expect(isDirty(editor.get())).toBe(true);
    expect(editor.get().history.past).toHaveLength(1);
  });

  it('opening another document drops the run state shown on the old one', () => {
    editor.set((s) => ({ run: { ...s.run, runId: 'r1', nodes: { sampler: { phase: 'done', ms: 15 } } } }));
    replaceDocument(txt2img(), null);
    expect(editor.get().run.nodes).toEqual({});
    expect(editor.get().run.foreign).toContain('r1');
  });
});
