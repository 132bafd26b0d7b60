// Values that reach a widget through a wire but are already fixed in the document: a primitive
// node (Int, Float, String, Boolean) feeds its own widget's value. Validation checks them against
// the receiving widget with the same rules `run` applies, so the two never disagree.
import type { GraphDocument, GraphEdge } from '../../graph/schema.ts';
import type { NodeRegistry } from '../registry.ts';

const PRIMITIVE_CATEGORY = 'primitives';

/** The constant a wire carries, or undefined when it is only known at run time. */
export function wiredConstant(
  edge: GraphEdge,
  doc: GraphDocument,
  registry: NodeRegistry,
): { value: unknown } | undefined {
  const source = doc.nodes[edge.from[0]];
  const def = source && registry.get(source.type);
  if (!def || def.category !== PRIMITIVE_CATEGORY || def.inputs.length > 0 || def.widgets.length !== 1)
    return undefined;
  if (source.bypass || source.mute) return undefined;
  const [spec] = def.widgets;
  return { value: Object.hasOwn(source.widgets, spec.name) ? source.widgets[spec.name] : spec.default };
}
