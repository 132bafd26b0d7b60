// Links and reroutes of a ComfyUI UI workflow, in both frontend formats:
// 0.4: `links: [[id, origin_id, origin_slot, target_id, target_slot, type], ...]`, native reroutes
//      in `extra.reroutes` with each link's nearest reroute in `extra.linkExtensions`;
// 1:   `links: [{id, origin_id, origin_slot, target_id, target_slot, type, parentId}]`, `reroutes`.
// Legacy "Reroute" nodes (0.4) are walked through as well. Walks are bounded, so loops cannot hang.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface UiLink {
  origin: string;
  slot: number;
  target: string;
  parentId?: number;
}

interface Reroute {
  pos: [number, number];
  parentId?: number;
}

export interface LinkTable {
  links: Map<number, UiLink>;
  reroutes: Map<number, Reroute>;
}

function point(value: unknown): [number, number] | undefined {
  if (Array.isArray(value) && value.length >= 2 && value.every((v) => typeof v === 'number'))
    return [value[0] as number, value[1] as number];
  if (isObj(value) && typeof value[0] === 'number' && typeof value[1] === 'number')
    return [value[0] as number, value[1] as number];
  return undefined;
}

function linkFrom(entry: unknown): [number, UiLink] | null {
  if (Array.isArray(entry) && entry.length >= 5) {
    const [id, origin, slot, target] = entry;
    if (typeof id !== 'number' || typeof slot !== 'number') return null;
    return [id, { origin: String(origin), slot, target: String(target) }];
  }
  if (isObj(entry) && typeof entry.id === 'number' && typeof entry.origin_slot === 'number') {
    const link: UiLink = {
      origin: String(entry.origin_id),
      slot: entry.origin_slot,
      target: String(entry.target_id),
    };
    if (typeof entry.parentId === 'number') link.parentId = entry.parentId;
    return [entry.id, link];
  }
  return null;
}

export function readLinkTable(workflow: Obj, warnings: string[]): LinkTable {
  const links = new Map<number, UiLink>();
  for (const entry of Array.isArray(workflow.links) ? workflow.links : []) {
    const parsed = linkFrom(entry);
    if (parsed) links.set(parsed[0], parsed[1]);
    else warnings.push(`link ${JSON.stringify(entry).slice(0, 80)} is malformed and was skipped`);
  }
  const extra = isObj(workflow.extra) ? workflow.extra : {};
  for (const ext of Array.isArray(extra.linkExtensions) ? extra.linkExtensions : []) {
    const link = isObj(ext) && typeof ext.id === 'number' ? links.get(ext.id) : undefined;
    if (link && typeof ext.parentId === 'number') link.parentId = ext.parentId;
  }
  const reroutes = new Map<number, Reroute>();
  const lists = [workflow.reroutes, extra.reroutes].filter(Array.isArray) as unknown[][];
  for (const entry of lists.flat()) {
    const pos = isObj(entry) ? point(entry.pos) : undefined;
    if (!isObj(entry) || typeof entry.id !== 'number' || !pos) continue;
    reroutes.set(entry.id, typeof entry.parentId === 'number' ? { pos, parentId: entry.parentId } : { pos });
  }
  return { links, reroutes };
}

/** The points of a link's native reroutes, origin side first. */
export function reroutePoints(table: LinkTable, link: UiLink): [number, number][] {
  const points: [number, number][] = [];
  let id = link.parentId;
  for (let hops = 0; id !== undefined && hops <= table.reroutes.size; hops++) {
    const reroute = table.reroutes.get(id);
    if (!reroute) break;
    points.unshift(reroute.pos);
    id = reroute.parentId;
  }
  return points;
}

/** Legacy Reroute nodes: node id → its position and the link that feeds it. */
export type RerouteNodes = Map<string, { pos: [number, number]; input?: number }>;

export function rerouteNodeOf(node: Obj): { pos: [number, number]; input?: number } {
  const inputs = Array.isArray(node.inputs) ? node.inputs : [];
  const link = isObj(inputs[0]) && typeof inputs[0].link === 'number' ? inputs[0].link : undefined;
  return { pos: point(node.pos) ?? [0, 0], input: link };
}

/** Follows a link back through legacy Reroute nodes to the real origin, collecting their points. */
export function resolveThroughRerouteNodes(
  table: LinkTable,
  rerouteNodes: RerouteNodes,
  link: UiLink,
): { origin: string; slot: number; points: [number, number][] } | null {
  let current = link;
  const points = reroutePoints(table, current);
  for (let hops = 0; rerouteNodes.has(current.origin); hops++) {
    const reroute = rerouteNodes.get(current.origin);
    const next = reroute?.input === undefined ? undefined : table.links.get(reroute.input);
    if (!reroute || !next || hops > rerouteNodes.size) return null;
    points.unshift(...reroutePoints(table, next), reroute.pos);
    current = next;
  }
  return { origin: current.origin, slot: current.slot, points };
}
