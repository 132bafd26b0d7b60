// "Show me that node": select it and ask the canvas to centre it (useFocusRequests does the view).
import { editor } from './editor.ts';

let seq = 0;

export function focusNode(nodeId: string): void {
  if (!editor.get().doc.nodes[nodeId]) return;
  editor.set({ selected: new Set([nodeId]), selectedEdges: new Set(), focusRequest: { nodeId, seq: ++seq } });
}
