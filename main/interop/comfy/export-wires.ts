// The wires between exported ComfyUI nodes: each Diffgraph edge becomes a link from
// (node id, output index) to (node id, ComfyUI input name), read off the class table's mapping.
import type { GraphDocument } from '../../graph/schema.ts';
import { classSpec } from './classes.ts';
import type { ExportGroup } from './export-groups.ts';
import type { Mapping } from './types.ts';

export interface ComfyWire {
  from: string;
  slot: number;
  to: string;
  input: string;
}

interface Located {
  group: ExportGroup;
  suffix: string;
  mapping?: Mapping;
}

function placeholderOutputIndex(group: ExportGroup, name: string): number {
  const outputs = (group.raw as { outputs?: { name?: string }[] } | undefined)?.outputs;
  const index = Array.isArray(outputs) ? outputs.findIndex((o) => o?.name === name) : -1;
  return index >= 0 ? index : Number(name);
}

function locate(groups: ExportGroup[]): Map<string, Located> {
  const where = new Map<string, Located>();
  for (const group of groups) {
    const spec = group.raw === undefined ? classSpec(group.classType) : undefined;
    const mapped = spec?.map(group.values);
    const mapping = typeof mapped === 'object' ? mapped : undefined;
    for (const [suffix, id] of Object.entries(group.parts)) where.set(id, { group, suffix, mapping });
  }
  return where;
}

function sourceSlot(at: Located, output: string): number {
  if (!at.mapping) return placeholderOutputIndex(at.group, output);
  return at.mapping.outputs.findIndex((o) => o?.[0] === at.suffix && o[1] === output);
}

function inputName(at: Located, input: string): string | undefined {
  if (!at.mapping) return input;
  const found = Object.entries(at.mapping.inputs).find(([, targets]) =>
    targets.some(([suffix, name]) => suffix === at.suffix && name === input),
  );
  return found?.[0];
}

function isInternal(from: Located, to: Located, fromName: string, toName: string): boolean {
  return (
    from.group === to.group &&
    (from.mapping?.internal ?? []).some(
      (w) =>
        w.from[0] === from.suffix && w.from[1] === fromName && w.to[0] === to.suffix && w.to[1] === toName,
    )
  );
}

export function exportWires(doc: GraphDocument, groups: ExportGroup[], problems: string[]): ComfyWire[] {
  const where = locate(groups);
  const wires = new Map<string, ComfyWire>();
  for (const edge of doc.edges) {
    const from = where.get(edge.from[0]);
    const to = where.get(edge.to[0]);
    if (!from || !to) continue; // an end that did not export is already reported
    if (isInternal(from, to, edge.from[1], edge.to[1])) continue;
    const slot = sourceSlot(from, edge.from[1]);
    const input = inputName(to, edge.to[1]);
    if (slot < 0 || !Number.isInteger(slot) || input === undefined) {
      problems.push(`wire ${edge.from.join('.')} -> ${edge.to.join('.')} has no ComfyUI equivalent`);
      continue;
    }
    const wire = { from: from.group.id, slot, to: to.group.id, input };
    const key = `${wire.to}\u0000${input}`;
    const earlier = wires.get(key);
    if (earlier && (earlier.from !== wire.from || earlier.slot !== wire.slot)) {
      problems.push(`${to.group.classType} ${wire.to} input "${input}" would need two different sources`);
    }
    wires.set(key, wire);
  }
  return [...wires.values()];
}

/** What an exporter stores so that import restores the Diffgraph ids, positions and other widgets. */
export function partsMeta(doc: GraphDocument, group: ExportGroup): { parts: Record<string, unknown> } {
  const parts: Record<string, unknown> = {};
  for (const [suffix, id] of Object.entries(group.parts)) {
    const node = doc.nodes[id];
    parts[suffix] = { id, widgets: node.widgets, ...(node.position ? { position: node.position } : {}) };
  }
  return { parts };
}
