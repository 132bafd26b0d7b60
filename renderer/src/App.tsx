// The editor's layout: toolbar, canvas with its overlays, side panel, status bar.
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { Canvas, FIT } from './flow/Canvas.tsx';
import { useDocumentPersistence } from './hooks/useDocumentPersistence.ts';
import { useFocusRequests } from './hooks/useFocusRequests.ts';
import { useValidation } from './hooks/useValidation.ts';
import { ContextMenu } from './panels/ContextMenu.tsx';
import { Dialogs } from './panels/Dialogs.tsx';
import { DocTabs } from './panels/DocTabs.tsx';
import { HistoryFeed } from './panels/HistoryPanel.tsx';
import { ImportReportToast } from './panels/ImportReportToast.tsx';
import { LeftPanel } from './panels/LeftPanel.tsx';
import { Lightbox } from './panels/Lightbox.tsx';
import { Palette } from './panels/Palette.tsx';
import { SidePanel } from './panels/SidePanel.tsx';
import { StatusBar, Toasts } from './panels/StatusBar.tsx';
import { TemplatesDialog } from './panels/TemplatesDialog.tsx';
import { Toolbar } from './panels/Toolbar.tsx';
import { editor } from './store/editor.ts';
import { savedViewport } from './store/saved-viewport.ts';
import { useSlice } from './store/store.ts';

/** Shows a newly opened document at the view saved in it, else frames the whole graph. */
function useFitOnOpen(): void {
  const flow = useReactFlow();
  const epoch = useSlice(editor, (s) => s.docEpoch);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once per opened document (epoch)
  useEffect(() => {
    const doc = editor.get().doc;
    const empty = Object.keys(doc.nodes).length === 0;
    const saved = savedViewport(doc);
    const frame = requestAnimationFrame(async () => {
      if (saved) await flow.setViewport(saved);
      else if (empty) await flow.setViewport({ x: 0, y: 0, zoom: 1 });
      else await flow.fitView(FIT);
      editor.set({ fitPending: false });
    });
    return () => cancelAnimationFrame(frame);
  }, [epoch, flow]);
}

/**
 * Effects that follow every edit. A component of their own: they subscribe to the document, and
 * in Editor they re-rendered the whole app on each step of a node drag.
 */
function DocumentEffects() {
  useValidation();
  useDocumentPersistence();
  useFitOnOpen();
  useFocusRequests();
  return null;
}

function Editor() {
  return (
    <div className="dg-app">
      <DocumentEffects />
      <Toolbar />
      <main className="dg-main">
        <LeftPanel />
        <div className="dg-center">
          <DocTabs />
          <Canvas />
        </div>
        <SidePanel />
      </main>
      <StatusBar />
      <Palette />
      <ContextMenu />
      <Dialogs />
      <TemplatesDialog />
      <Lightbox />
      <HistoryFeed />
      <Toasts />
      <ImportReportToast />
    </div>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Editor />
    </ReactFlowProvider>
  );
}
