// A Diffgraph graph → a ComfyUI UI workflow (frontend format 0.4: node list with positional
// widgets_values, link tuples, groups). ComfyUI needs integer node ids; the Diffgraph ids travel in
// each node's properties so that importing the file again gives the same graph.
import type { NodeRegistry } from '../../engine/registry.ts';
import type { GraphDocument } from '../../graph/schema.ts';
import { classSpec } from './classes.ts';
import type { ExportReport } from './export-api.ts';
import { type ExportGroup, exportGroups } from './export-groups.ts';
import { type ComfyWire, exportWires, partsMeta } from './export-wires.ts';

type Obj = Record<string, unknown>;

function outputsOf(group: ExportGroup): string[] {
  const raw = (group.raw as { outputs?: { name?: string }[] } | undefined)?.outputs;
  if (Array.isArray(raw)) return raw.map((o, i) => o?.name ?? String(i));
  return [...(classSpec(group.classType)?.outputs ?? [])];
}

function uiNode(doc: GraphDocument, group: ExportGroup, numeric: number, links: (number | string)[][]): Obj {
  const node = doc.nodes[group.id];
  const base: Obj =
    group.raw && typeof group.raw === 'object' && 'widgets_values' in group.raw
      ? { ...(group.raw as Obj) }
      : {};
  const spec = classSpec(group.classType);
  const incoming = links.filter((l) => l[3] === numeric);
  const inputNames = [...new Set([...(spec?.sockets ?? []), ...incoming.map((l) => String(l[6]))])];
  const outputs = outputsOf(group);
  const result: Obj = {
    ...base,
    id: numeric,
    type: group.classType,
    pos: node.position ?? [0, 0],
    size: node.size ?? [315, 100],
    flags: node.collapsed ? { collapsed: true } : {},
    order: 0,
    mode: node.bypass ? 4 : node.mute ? 2 : 0,
    inputs: inputNames.map((name) => {
      const link = incoming.find((l) => l[6] === name);
      const input: Obj = { name, type: link ? link[5] : '*', link: link ? link[0] : null };
      if (spec && !spec.sockets.includes(name)) input.widget = { name };
      return input;
    }),
    outputs: outputs.map((name, slot) => ({
      name,
      type: name,
      links: links.filter((l) => l[1] === numeric && l[2] === slot).map((l) => l[0]),
      slot_index: slot,
    })),
    properties: group.raw ? (base.properties ?? {}) : { 'Node name for S&R': group.classType },
  };
  if (!group.raw) (result.properties as Obj).diffgraph = partsMeta(doc, group);
  if (spec) result.widgets_values = spec.widgets.map((name) => group.values[name] ?? null);
  if (node.title) result.title = node.title;
  for (const key of ['color', 'bgcolor'] as const) if (typeof node[key] === 'string') result[key] = node[key];
  return result;
}

function linkRows(
  groups: ExportGroup[],
  wires: ComfyWire[],
  numericId: Map<string, number>,
): (number | string)[][] {
  return wires.map((wire, index) => {
    const source = groups.find((g) => g.id === wire.from) as ExportGroup;
    const type = outputsOf(source)[wire.slot] ?? '*';
    const target = numericId.get(wire.to) as number;
    // [id, origin, origin slot, target, target slot (filled below), type, input name (dropped below)]
    return [index + 1, numericId.get(wire.from) as number, wire.slot, target, 0, type, wire.input];
  });
}

/** ComfyUI wants integer ids: an id that already is one (e.g. from an import) is kept. */
function numericIds(groups: ExportGroup[]): Map<string, number> {
  const ids = new Map<string, number>();
  const used = new Set<number>();
  for (const g of groups) {
    const n = Number(g.id);
    if (/^\d+$/.test(g.id) && Number.isSafeInteger(n) && n > 0 && !used.has(n)) {
      ids.set(g.id, n);
      used.add(n);
    }
  }
  let next = 1;
  for (const g of groups) {
    if (ids.has(g.id)) continue;
    while (used.has(next)) next++;
    ids.set(g.id, next);
    used.add(next);
  }
  return ids;
}

export function exportComfyUi(
  doc: GraphDocument,
  registry: NodeRegistry,
): { workflow: Obj; report: ExportReport } {
  const { groups, skipped, notes: unwritten } = exportGroups(doc, registry);
  const report: ExportReport = { skipped, problems: [...unwritten] };
  const wires = exportWires(doc, groups, report.problems);
  const numericId = numericIds(groups);
  const links = linkRows(groups, wires, numericId);
  const nodes = groups.map((g) => uiNode(doc, g, numericId.get(g.id) as number, links));
  for (const link of links) {
    const target = nodes.find((n) => n.id === link[3]) as Obj;
    link[4] = (target.inputs as Obj[]).findIndex((input) => input.name === link[6]);
    link.pop();
  }
  const groupsOut = (doc.groups ?? []).map((g) => ({
    title: g.title,
    bounding: g.bounds,
    color: g.color,
    font_size: 24,
  }));
  const notes = (doc.notes ?? []).map((note, i) => ({
    id: Math.max(0, ...nodes.map((n) => n.id as number)) + i + 1,
    type: 'Note',
    pos: note.position,
    size: note.size ?? [300, 100],
    flags: {},
    order: 0,
    mode: 0,
    properties: {},
    widgets_values: [note.text],
  }));
  const workflow: Obj = {
    last_node_id: Math.max(0, ...nodes.map((n) => n.id as number), ...notes.map((n) => n.id)),
    last_link_id: links.length,
    nodes: [...nodes, ...notes],
    links,
    groups: groupsOut,
    config: {},
    extra: {},
    version: 0.4,
  };
  if (doc.models?.length)
    workflow.models = doc.models.map((m) => ({ name: m.name, hash: m.sha256, hash_type: 'SHA256' }));
  return { workflow, report };
}
