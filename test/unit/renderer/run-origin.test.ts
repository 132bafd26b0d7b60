// Run is pressed in one tab, and the user switches tabs while the graph is being validated: the
// run still queues the document of the tab where Run was pressed, belongs to that tab, and moves
// that tab's seeds on, never the tab now shown.
import { beforeEach, describe, expect, it } from 'vitest';
import type { HostApi } from '../../../main/host/shared/api.ts';
import { SOCKET_TYPES } from '../../../nodes/api.ts';
import { setSeedControl, setWidget } from '../../../renderer/src/doc/commands.ts';
import type { GraphDoc } from '../../../renderer/src/doc/types.ts';
import { setHost } from '../../../renderer/src/host/host.ts';
import { editor, initialState, replaceDocument, setCatalogue } from '../../../renderer/src/store/editor.ts';
import { queueRun } from '../../../renderer/src/store/run-actions.ts';
import { newTab, switchTab, tabsStore } from '../../../renderer/src/store/tabs.ts';
import { SCHEMAS, txt2img } from './fixtures.ts';

let queued: { graph: GraphDoc; title?: string }[];
let releaseValidation: () => void;

beforeEach(() => {
  queued = [];
  tabsStore.set({ tabs: [{ id: 0, snapshot: null, run: null, viewport: null, runs: [] }], active: 0 });
  editor.set(initialState());
  setCatalogue(SCHEMAS, SOCKET_TYPES);
  const first = setSeedControl(setWidget(txt2img(), 'sampler', 'seed', 100), 'sampler', 'seed', 'increment');
  replaceDocument({ ...first, title: 'first tab' }, null);
  setHost({
    // Validation takes a while, as it does over HTTP: the test decides when it answers.
    validate: () => new Promise((resolve) => (releaseValidation = () => resolve([]))),
    queue: async (graph: unknown, title?: string) => {
      queued.push({ graph: graph as GraphDoc, title });
      return { runId: `run-${queued.length}` };
    },
  } as unknown as HostApi);
});

/** Presses Run, opens a second tab with another graph while validation is pending, then lets it finish. */
async function runThenSwitchTab(count: number): Promise<{ first: number; second: number }> {
  const first = tabsStore.get().active;
  const pressed = queueRun(count);
  const second = newTab(null).id;
  replaceDocument({ ...setWidget(txt2img(), 'sampler', 'seed', 7), title: 'second tab' }, null);
  releaseValidation();
  await pressed;
  return { first, second };
}

describe('a run queued while the user switches tabs', () => {
  it('queues the document of the tab where Run was pressed', async () => {
    await runThenSwitchTab(1);
    expect(queued).toHaveLength(1);
    expect(queued[0].title).toBe('first tab');
    expect(queued[0].graph.nodes.sampler.widgets.seed).toBe(100);
  });

  it('belongs to that tab and is foreign to the tab shown', async () => {
    const { first, second } = await runThenSwitchTab(1);
    const tabs = tabsStore.get().tabs;
    expect(tabs.find((t) => t.id === first)?.runs).toEqual(['run-1']);
    expect(tabs.find((t) => t.id === second)?.runs).toEqual([]);
    expect(editor.get().run.foreign).toContain('run-1');
  });

  it('moves the seeds of its own tab on, and leaves the shown tab alone', async () => {
    const { first } = await runThenSwitchTab(3);
    expect(queued.map((q) => q.graph.nodes.sampler.widgets.seed)).toEqual([100, 101, 102]);
    expect(queued.every((q) => q.title === 'first tab')).toBe(true);
    expect(editor.get().doc.nodes.sampler.widgets.seed).toBe(7);
    const background = tabsStore.get().tabs.find((t) => t.id === first)?.snapshot;
    expect(background?.doc.nodes.sampler.widgets.seed).toBe(103);
    // The seeds moved outside undo: a tab that was saved stays saved.
    expect(background?.doc).toBe(background?.savedDoc);
    switchTab(first, null);
    expect(editor.get().doc.nodes.sampler.widgets.seed).toBe(103);
  });

  it('a run pressed and finished in the same tab behaves as before', async () => {
    const pressed = queueRun(1);
    releaseValidation();
    await pressed;
    expect(queued[0].graph.nodes.sampler.widgets.seed).toBe(100);
    expect(tabsStore.get().tabs[0].runs).toEqual(['run-1']);
    expect(editor.get().run.foreign).not.toContain('run-1');
    expect(editor.get().doc.nodes.sampler.widgets.seed).toBe(101);
  });
});
