// A primitive made from a widget (a wire dragged out of a widget socket) takes over that widget:
// it starts at the widget's value, and a seed keeps its after-run control (ComfyUI's habit).
import { seedControlOf, setSeedControl, setWidget } from './commands.ts';
import type { GraphDoc, SchemaMap } from './types.ts';

export function adoptWidget(
  doc: GraphDoc,
  schemas: SchemaMap,
  primitiveId: string,
  primitiveWidget: string,
  target: { nodeId: string; widget: string },
): GraphDoc {
  const node = doc.nodes[target.nodeId];
  const spec = node ? schemas.get(node.type)?.widgets.find((w) => w.name === target.widget) : undefined;
  if (!node || !spec) return doc;
  const value = node.widgets[spec.name] ?? spec.default;
  let next = setWidget(doc, primitiveId, primitiveWidget, value);
  if (spec.kind === 'seed')
    next = setSeedControl(next, primitiveId, primitiveWidget, seedControlOf(node, spec));
  return next;
}
