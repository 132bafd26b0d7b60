// The canvas: React Flow driven by the document store, with search, drops and context menus.
import {
  Background,
  BackgroundVariant,
  Controls,
  type Edge,
  type Node,
  ReactFlow,
  useStore as useFlowStore,
  useReactFlow,
} from '@xyflow/react';
import { type DragEvent, type MouseEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { addReroute, rerouteIndex } from '../doc/decor.ts';
import type { WireData } from '../doc/flow-derive.ts';
import { useCanvasBridge } from '../hooks/useCanvasBridge.ts';
import { useClipboardEvents } from '../hooks/useClipboardEvents.ts';
import { useConnections } from '../hooks/useConnections.ts';
import { useEdgeAutoPan } from '../hooks/useEdgeAutoPan.ts';
import { useFlowChanges } from '../hooks/useFlowChanges.ts';
import { useFlowModel } from '../hooks/useFlowModel.ts';
import { isLibraryDrag, useLibraryDrop } from '../hooks/useLibraryDrop.ts';
import { useShellMenu } from '../hooks/useShellMenu.ts';
import { useShortcuts } from '../hooks/useShortcuts.ts';
import { useSpacePan } from '../hooks/useSpacePan.ts';
import { commit, editor } from '../store/editor.ts';
import { editorSettings } from '../store/editor-settings.ts';
import { openLocalFile } from '../store/file-actions.ts';
import { setViewportReader } from '../store/saved-viewport.ts';
import { useSlice } from '../store/store.ts';
import { ConnectionHint } from './ConnectionHint.tsx';
import { CanvasContext, type CanvasView, LOW_DETAIL_ZOOM } from './canvas-context.ts';
import { GroupNode, NoteNode, PlaceholderNode } from './DecorNodes.tsx';
import { EmptyHint } from './EmptyHint.tsx';
import { GraphNode } from './GraphNode.tsx';
import { MiniMap } from './MiniMap.tsx';
import { WireCanvas } from './WireCanvas.tsx';
import { WireEdge } from './WireEdge.tsx';

const nodeTypes = { graph: GraphNode, placeholder: PlaceholderNode, group: GroupNode, note: NoteNode };
const edgeTypes = { wire: WireEdge };
/** Zoomed far out React Flow draws no wires: WireCanvas draws them all at once. */
const NO_EDGES: Edge[] = [];
const SNAP: [number, number] = [20, 20];
/** First view of a graph: readable text (zoom ≥ 0.75, ~11 px labels) over seeing every node at once. */
export const FIT = { padding: 0.15, maxZoom: 1, minZoom: 0.75 };
const closeMenu = () => editor.set({ menu: null });

export function Canvas() {
  const { nodes, edges } = useFlowModel();
  const { onNodesChange, onEdgesChange } = useFlowChanges();
  const connections = useConnections();
  const flow = useReactFlow();
  const snap = useSlice(editor, (s) => s.snap);
  const minimap = useSlice(editor, (s) => s.minimap);
  const wireColor = useSlice(editor, (s) =>
    s.connecting?.type ? s.catalogue?.socketTypes[s.connecting.type]?.color : undefined,
  );
  const pointer = useRef({ x: 0, y: 0 });
  const canvasRef = useRef<HTMLDivElement>(null);
  useCanvasBridge(canvasRef);
  const edgeAutoPan = useEdgeAutoPan(canvasRef);
  // Wires stop taking the pointer while zoomed far out or while nodes are dragged: hit testing
  // hundreds of curves on every pointer move is what made big graphs stutter.
  const lowDetail = useFlowStore((s) => s.transform[2] < LOW_DETAIL_ZOOM);
  const rfId = useFlowStore((s) => s.rfId);
  const fitPending = useSlice(editor, (s) => s.fitPending);
  const view = useMemo<CanvasView>(
    () => ({
      zoomedOut: lowDetail,
      lowDetailNodes: lowDetail || fitPending,
      rfId,
      screenToFlowPosition: flow.screenToFlowPosition,
    }),
    [lowDetail, fitPending, rfId, flow],
  );
  const [dragging, setDragging] = useState(false);
  const startDrag = useCallback(() => setDragging(true), []);
  const endDrag = useCallback(() => setDragging(false), []);
  useShortcuts();
  useShellMenu();
  useEffect(() => {
    setViewportReader(flow.getViewport);
    return () => setViewportReader(null);
  }, [flow]);
  useClipboardEvents(() => flow.screenToFlowPosition(pointer.current));

  const onDoubleClick = useCallback(
    (e: MouseEvent) => {
      if (!(e.target as HTMLElement).classList.contains('react-flow__pane')) return;
      const screen = { x: e.clientX, y: e.clientY };
      editor.set({ palette: { screen, flow: flow.screenToFlowPosition(screen) } });
    },
    [flow],
  );

  const onEdgeDoubleClick = useCallback(
    (e: MouseEvent, edge: Edge) => {
      const data = edge.data as WireData;
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const source = flow.getInternalNode(edge.source);
      const target = flow.getInternalNode(edge.target);
      const start: [number, number] = source
        ? [
            source.internals.positionAbsolute.x + (source.measured.width ?? 0),
            source.internals.positionAbsolute.y,
          ]
        : [p.x, p.y];
      const end: [number, number] = target
        ? [target.internals.positionAbsolute.x, target.internals.positionAbsolute.y]
        : [p.x, p.y];
      const at = rerouteIndex(start, data.points, end, [p.x, p.y]);
      commit((d) => addReroute(d, data.index, at, [p.x, p.y]));
    },
    [flow],
  );

  const openMenu = useCallback(
    (
      e: MouseEvent | globalThis.MouseEvent,
      target: NonNullable<ReturnType<typeof editor.get>['menu']>['target'],
    ) => {
      e.preventDefault();
      const screen = { x: e.clientX, y: e.clientY };
      editor.set({ menu: { screen, flow: flow.screenToFlowPosition(screen), target } });
    },
    [flow],
  );

  const onNodeContextMenu = useCallback(
    (e: MouseEvent, n: Node) =>
      openMenu(
        e,
        n.type === 'graph' || n.type === 'placeholder' ? { kind: 'node', id: n.id } : { kind: 'pane' },
      ),
    [openMenu],
  );
  const onPaneContextMenu = useCallback(
    (e: MouseEvent | globalThis.MouseEvent) => openMenu(e, { kind: 'pane' }),
    [openMenu],
  );
  const onEdgeContextMenu = useCallback(
    (e: MouseEvent, edge: Edge) => openMenu(e, { kind: 'edge', id: edge.id }),
    [openMenu],
  );
  const lineStyle = useMemo(() => ({ stroke: wireColor ?? '#aab', strokeWidth: 2.5 }), [wireColor]);

  // A press on empty canvas starts a pan, never a text selection: otherwise Chromium hit-tests for
  // a selection on every pointer move of the pan. Focus still leaves a field, as on any click.
  const spacePan = useSpacePan();
  const onMouseDownCapture = useCallback(
    (e: MouseEvent) => {
      if (spacePan(e)) return;
      if (!(e.target as HTMLElement).classList.contains('react-flow__pane')) return;
      e.preventDefault();
      (document.activeElement as HTMLElement | null)?.blur?.();
    },
    [spacePan],
  );

  const libraryDrop = useLibraryDrop();
  const onDrop = useCallback(
    (e: DragEvent) => {
      if (libraryDrop(e)) return;
      const file = e.dataTransfer.files[0];
      if (!file) return;
      e.preventDefault();
      void openLocalFile(file);
    },
    [libraryDrop],
  );
  const theme = useSlice(editorSettings, (s) => s.theme);

  return (
    <div
      ref={canvasRef}
      className={`dg-canvas ${lowDetail ? 'dg-low-detail' : ''} ${dragging ? 'dg-dragging' : ''}`}
      role="application"
      aria-label="Graph canvas"
      data-testid="canvas"
      onDoubleClick={onDoubleClick}
      onMouseDownCapture={onMouseDownCapture}
      onPointerMove={(e) => {
        pointer.current = { x: e.clientX, y: e.clientY };
        edgeAutoPan.onPointerMove(e);
      }}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files') || isLibraryDrag(e)) e.preventDefault();
      }}
      onDrop={onDrop}
    >
      <CanvasContext.Provider value={view}>
        <ReactFlow
          nodes={nodes}
          edges={lowDetail ? NO_EDGES : edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          {...connections}
          onEdgeDoubleClick={onEdgeDoubleClick}
          autoPanOnNodeDrag={edgeAutoPan.autoPan}
          onNodeDragStart={startDrag}
          onNodeDragStop={endDrag}
          onSelectionDragStart={startDrag}
          onSelectionDragStop={endDrag}
          onNodeContextMenu={onNodeContextMenu}
          onPaneContextMenu={onPaneContextMenu}
          onEdgeContextMenu={onEdgeContextMenu}
          onPaneClick={closeMenu}
          connectionLineStyle={lineStyle}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={['Control', 'Meta', 'Shift']}
          zoomOnDoubleClick={false}
          snapToGrid={snap}
          snapGrid={SNAP}
          minZoom={0.1}
          maxZoom={2.5}
          colorMode={theme}
          // Zoomed in on a big graph, nodes and wires out of view are not drawn: each drawn node's
          // widgets cost hit testing, layout and compositing on every frame (see bench/editor.ts).
          onlyRenderVisibleElements
          proOptions={{ hideAttribution: true }}
          fitView
          fitViewOptions={FIT}
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#3a3d44" />
          {lowDetail && <WireCanvas edges={edges} />}
          <Controls showInteractive={false} />
          {minimap && <MiniMap />}
          <ConnectionHint />
        </ReactFlow>
        <EmptyHint />
      </CanvasContext.Provider>
    </div>
  );
}
