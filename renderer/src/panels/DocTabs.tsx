// The workflow tab strip above the canvas: one tab per open document, with its unsaved marker;
// + opens a new one, × closes one (asking first when it has unsaved changes).
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { useActiveTabViewport } from '../hooks/useActiveTabViewport.ts';
import { editor } from '../store/editor.ts';
import { useSlice, useSlices } from '../store/store.ts';
import {
  type DocTab,
  followTabs,
  isTabDirty,
  newTab,
  removeTab,
  switchTab,
  tabSummary,
  tabsStore,
} from '../store/tabs.ts';

export function DocTabs() {
  const { tabs, active } = useSlice(tabsStore, (s) => s);
  // The active tab's title and marker follow the editor store; background tabs' are fixed.
  const [activeTitle, activeDirty] = useSlices(editor, (s) => {
    const summary = tabSummary({ snapshot: null }, s);
    return [summary.title, summary.dirty] as const;
  });
  const flow = useReactFlow();
  useEffect(() => followTabs(), []);
  useActiveTabViewport();

  /** Shows the tab's document where its view was left (a new document at the origin). */
  const show = (tab: DocTab | null) => {
    if (!tab) return;
    const viewport = tab.viewport ?? { x: 0, y: 0, zoom: 1 };
    requestAnimationFrame(() => void flow.setViewport(viewport));
  };
  const select = (id: number) => show(switchTab(id, flow.getViewport()));
  const close = (tab: DocTab) => {
    const closeNow = () => show(removeTab(tab.id, flow.getViewport()));
    if (!isTabDirty(tab)) return closeNow();
    const name = tabSummary(tab, editor.get()).title;
    editor.set({
      dialog: {
        kind: 'confirm',
        message: `Close ${name} and discard its unsaved changes?`,
        action: closeNow,
      },
    });
  };

  return (
    <div className="dg-doc-tabs" role="tablist" data-testid="doc-tabs">
      {tabs.map((tab, i) => {
        const { title, dirty } =
          tab.id === active ? { title: activeTitle, dirty: activeDirty } : tabSummary(tab, editor.get());
        return (
          <div
            key={tab.id}
            className={`dg-doc-tab ${tab.id === active ? 'dg-active' : ''}`}
            data-testid={`doc-tab-${i}`}
          >
            <button
              type="button"
              role="tab"
              aria-selected={tab.id === active}
              data-testid={`doc-tab-title-${i}`}
              onClick={() => select(tab.id)}
            >
              {title}
              {dirty && (
                <span className="dg-dirty" data-testid={`doc-tab-dirty-${i}`} title="Unsaved changes">
                  {' '}
                  •
                </span>
              )}
            </button>
            <button
              type="button"
              title="Close this tab"
              aria-label={`Close ${title}`}
              data-testid={`doc-tab-close-${i}`}
              onClick={() => close(tab)}
            >
              ×
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="dg-doc-tab-new"
        title="New tab"
        data-testid="doc-tab-new"
        onClick={() => show(newTab(flow.getViewport()))}
      >
        +
      </button>
    </div>
  );
}
