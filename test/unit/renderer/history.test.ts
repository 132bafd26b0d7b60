import { describe, expect, it } from 'vitest';
import {
  emptyHistory,
  GROUP_WINDOW_MS,
  type History,
  record,
  redo,
  seal,
  undo,
} from '../../../renderer/src/doc/history.ts';

/** Narrows an undo/redo result, failing the test when there was nothing to undo or redo. */
function must<T>(value: T | null): T {
  if (value === null) throw new Error('expected an undo/redo step');
  return value;
}

/** Applies edits through the history the way the editor store does. */
function edit(state: { doc: string; h: History<string> }, next: string, key: string | null, now: number) {
  return { doc: next, h: record(state.h, state.doc, key, now) };
}

describe('undo history', () => {
  it('undoes and redoes single edits in order', () => {
    let s = { doc: 'a', h: emptyHistory<string>() };
    s = edit(s, 'b', null, 0);
    s = edit(s, 'c', null, 10);
    const u1 = undo(s.h, s.doc);
    expect(u1?.doc).toBe('b');
    const u2 = undo(must(u1).history, must(u1).doc);
    expect(u2?.doc).toBe('a');
    expect(undo(must(u2).history, must(u2).doc)).toBeNull();
    const r1 = redo(must(u2).history, must(u2).doc);
    expect(r1?.doc).toBe('b');
    expect(redo(must(r1).history, must(r1).doc)?.doc).toBe('c');
  });

  it('groups rapid edits with the same key (typing) into one step', () => {
    let s = { doc: '', h: emptyHistory<string>() };
    let t = 0;
    for (const text of ['a', 'ap', 'app', 'appl', 'apple']) {
      s = edit(s, text, 'widget:pos:text', t);
      t += 120;
    }
    expect(s.h.past).toEqual(['']);
    const u = undo(s.h, s.doc);
    expect(u?.doc).toBe('');
    expect(redo(must(u).history, must(u).doc)?.doc).toBe('apple');
  });

  it('starts a new step after a pause, a different key, or a seal', () => {
    let s = { doc: '0', h: emptyHistory<string>() };
    s = edit(s, '1', 'move:a', 0);
    s = edit(s, '2', 'move:a', GROUP_WINDOW_MS + 1);
    expect(s.h.past).toEqual(['0', '1']);
    s = edit(s, '3', 'move:b', GROUP_WINDOW_MS + 2);
    expect(s.h.past).toEqual(['0', '1', '2']);
    s = { ...s, h: seal(s.h) };
    s = edit(s, '4', 'move:b', GROUP_WINDOW_MS + 3);
    expect(s.h.past).toEqual(['0', '1', '2', '3']);
  });

  it('drops the redo branch when a new edit is made after undo', () => {
    let s = { doc: 'a', h: emptyHistory<string>() };
    s = edit(s, 'b', null, 0);
    const u = must(undo(s.h, s.doc));
    s = edit({ doc: u.doc, h: u.history }, 'x', null, 5);
    expect(redo(s.h, s.doc)).toBeNull();
    expect(undo(s.h, s.doc)?.doc).toBe('a');
  });

  it('an undo ends a typing group, so the next keystroke is its own step', () => {
    let s = { doc: '', h: emptyHistory<string>() };
    s = edit(s, 'a', 'k', 0);
    s = edit(s, 'ab', 'k', 10);
    const u = must(undo(s.h, s.doc));
    s = edit({ doc: u.doc, h: u.history }, 'z', 'k', 20);
    expect(s.h.past).toEqual(['']);
    expect(undo(s.h, s.doc)?.doc).toBe('');
  });
});
