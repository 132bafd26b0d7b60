// Whether a wire may be drawn, and if not, why (in words a user understands).
import { sourceType, targetType } from './ports.ts';
import { type GraphDoc, nodeLabel, type SchemaMap, type SocketType } from './types.ts';

export interface WireEnds {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

export type ConnectionCheck = { ok: true } | { ok: false; reason: string };

export function checkConnection(doc: GraphDoc, schemas: SchemaMap, wire: WireEnds): ConnectionCheck {
  const from = doc.nodes[wire.source];
  const to = doc.nodes[wire.target];
  if (!from || !to) return { ok: false, reason: 'That node no longer exists' };
  if (wire.source === wire.target) return { ok: false, reason: 'A node cannot feed itself' };
  const fromSchema = schemas.get(from.type);
  const toSchema = schemas.get(to.type);
  if (!fromSchema) return { ok: false, reason: `Node ${wire.source} has an unknown type (${from.type})` };
  if (!toSchema) return { ok: false, reason: `Node ${wire.target} has an unknown type (${to.type})` };
  const out = sourceType(fromSchema, wire.sourceHandle);
  const accepts = targetType(toSchema, wire.targetHandle);
  const target = `${nodeLabel(doc, wire.target)}.${wire.targetHandle}`;
  if (!out) return { ok: false, reason: `${nodeLabel(doc, wire.source)} has no output ${wire.sourceHandle}` };
  if (!accepts)
    return { ok: false, reason: `${nodeLabel(doc, wire.target)} has no input ${wire.targetHandle}` };
  if (!compatible(out, accepts))
    return { ok: false, reason: `${target} takes ${accepts}, this output is ${out}` };
  if (reaches(doc, wire.target, wire.source)) {
    let a = nodeLabel(doc, wire.target);
    let b = nodeLabel(doc, wire.source);
    if (a === b) {
      a = `${a} (${wire.target})`;
      b = `${b} (${wire.source})`;
    }
    return { ok: false, reason: `That would make a loop: ${a} already feeds ${b}` };
  }
  return { ok: true };
}

export function compatible(output: SocketType, input: SocketType): boolean {
  return output === input;
}

/** True when a path of wires leads from `start` to `goal`. */
export function reaches(doc: GraphDoc, start: string, goal: string): boolean {
  const next = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = next.get(e.from[0]) ?? [];
    list.push(e.to[0]);
    next.set(e.from[0], list);
  }
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (id === goal) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return false;
}
