// Centres the view on a node when something asks for it (problem lists, refused runs).
import { useReactFlow } from '@xyflow/react';
import { useEffect } from 'react';
import { editor } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';

/** Zoom for a focused node: close enough to read its widgets, never zooming out from closer. */
const FOCUS_MIN_ZOOM = 1;

export function useFocusRequests(): void {
  const flow = useReactFlow();
  const request = useSlice(editor, (s) => s.focusRequest);
  useEffect(() => {
    if (!request) return;
    const s = editor.get();
    const node = s.doc.nodes[request.nodeId];
    if (!node) return;
    const size = s.measured.get(request.nodeId) ?? { width: 240, height: 160 };
    const [x, y] = node.position;
    const zoom = Math.max(flow.getZoom(), FOCUS_MIN_ZOOM);
    void flow.setCenter(x + size.width / 2, y + size.height / 2, { zoom, duration: 200 });
  }, [request, flow]);
}
