// What nodes and wires need from the canvas, decided once by the canvas and handed down through
// context: one subscription to React Flow's store instead of one per node and per wire (1,900 on
// a 500-node graph, each run on every pan and drag step).
import type { XYPosition } from '@xyflow/react';
import { createContext, useContext } from 'react';

/** Below this zoom widgets are unreadable; they are drawn as plain blocks of the same size. */
export const LOW_DETAIL_ZOOM = 0.45;

export interface CanvasView {
  /** Zoomed out below LOW_DETAIL_ZOOM: wires take no pointer, labels are left out. */
  zoomedOut: boolean;
  /** Nodes draw plain blocks for their widgets (zoomed out, or before the first fit of a document). */
  lowDetailNodes: boolean;
  /** React Flow's id for this canvas, part of each handle's data-id. */
  rfId: string;
  screenToFlowPosition(point: XYPosition): XYPosition;
}

export const CanvasContext = createContext<CanvasView>({
  zoomedOut: false,
  lowDetailNodes: false,
  rfId: '1',
  screenToFlowPosition: (point) => point,
});

export function useCanvasView(): CanvasView {
  return useContext(CanvasContext);
}
