// The sockets a node shows: its schema's inputs, plus widgets the user turned into inputs.
// Unknown node types get sockets from the wires that touch them, so their edges stay drawn.
import { WIDGET_SOCKET } from '../../../nodes/api.ts';
import type { DocNode, GraphDoc, NodeSchema, SocketType } from './types.ts';

export interface Port {
  name: string;
  /** null when the node type is unknown. */
  type: SocketType | null;
  /** `widget` when the socket feeds a widget converted to an input. */
  kind: 'input' | 'widget' | 'output';
  optional?: boolean;
}

export function inputPorts(
  node: DocNode,
  schema: NodeSchema | undefined,
  doc?: GraphDoc,
  id?: string,
): Port[] {
  if (!schema) return unknownPorts(doc, id, 'to');
  const ports: Port[] = schema.inputs.map((i) => ({
    name: i.name,
    type: i.type,
    kind: 'input',
    optional: i.optional,
  }));
  for (const name of node.widgetInputs ?? []) {
    const widget = schema.widgets.find((w) => w.name === name);
    if (widget) ports.push({ name, type: WIDGET_SOCKET[widget.kind], kind: 'widget' });
  }
  return ports;
}

export function outputPorts(schema: NodeSchema | undefined, doc?: GraphDoc, id?: string): Port[] {
  if (!schema) return unknownPorts(doc, id, 'from');
  return schema.outputs.map((o) => ({ name: o.name, type: o.type, kind: 'output' }));
}

function unknownPorts(doc: GraphDoc | undefined, id: string | undefined, end: 'from' | 'to'): Port[] {
  if (!doc || !id) return [];
  const names = new Set<string>();
  for (const e of doc.edges) if (e[end][0] === id) names.add(e[end][1]);
  return [...names].map((name) => ({ name, type: null, kind: end === 'to' ? 'input' : 'output' }));
}

/** The socket type a target port accepts (a schema input, or any widget by its kind). */
export function targetType(schema: NodeSchema | undefined, name: string): SocketType | null {
  if (!schema) return null;
  const input = schema.inputs.find((i) => i.name === name);
  if (input) return input.type;
  const widget = schema.widgets.find((w) => w.name === name);
  return widget ? WIDGET_SOCKET[widget.kind] : null;
}

export function sourceType(schema: NodeSchema | undefined, name: string): SocketType | null {
  return schema?.outputs.find((o) => o.name === name)?.type ?? null;
}
