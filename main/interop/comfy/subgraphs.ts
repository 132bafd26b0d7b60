// ComfyUI subgraphs (UI format 1, `definitions.subgraphs`): each instance node — a node whose type is
// a definition's id — is replaced by the definition's inner nodes, numbered "<instance>:<inner>" as
// ComfyUI numbers them in API prompts, with the links through the subgraph's input node (-10) and
// output node (-20) rewired to whatever feeds the instance and whatever it feeds. Nested definitions
// expand the same way, so the rest of the import sees one flat workflow.

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** litegraph's ids for a subgraph's boundary nodes (SUBGRAPH_INPUT_ID / SUBGRAPH_OUTPUT_ID). */
const INPUT_NODE = '-10';
const OUTPUT_NODE = '-20';
/** A definition that contains itself, or a very deep nesting, stops here (left as a placeholder). */
export const MAX_SUBGRAPH_DEPTH = 8;
/** Expanding shared definitions multiplies nodes: refuse to grow a workflow past this. */
const MAX_EXPANDED_NODES = 20_000;

interface Link {
  id: number;
  origin: string;
  slot: number;
  target: string;
  targetSlot: number;
  type: unknown;
}

interface Level {
  nodes: Obj[];
  links: Link[];
}

function readLink(entry: unknown): Link | null {
  if (Array.isArray(entry) && entry.length >= 5 && typeof entry[0] === 'number') {
    const [id, origin, slot, target, targetSlot, type] = entry;
    return {
      id,
      origin: String(origin),
      slot: Number(slot),
      target: String(target),
      targetSlot: Number(targetSlot),
      type,
    };
  }
  if (!isObj(entry) || typeof entry.id !== 'number') return null;
  return {
    id: entry.id,
    origin: String(entry.origin_id),
    slot: Number(entry.origin_slot),
    target: String(entry.target_id),
    targetSlot: Number(entry.target_slot),
    type: entry.type,
  };
}

const writeLink = (l: Link) => ({
  id: l.id,
  origin_id: l.origin,
  origin_slot: l.slot,
  target_id: l.target,
  target_slot: l.targetSlot,
  type: l.type,
});

const inputLinkIds = (node: Obj): (number | null)[] =>
  (Array.isArray(node.inputs) ? node.inputs : []).map((i) =>
    isObj(i) && typeof i.link === 'number' ? i.link : null,
  );

class Expander {
  private nextLinkId = 1;
  private nodeCount = 0;
  readonly expanded: string[] = [];

  constructor(
    private readonly definitions: Map<string, Obj>,
    readonly warnings: string[],
  ) {}

  newLinkId(): number {
    return this.nextLinkId++;
  }

  /** A level with every instance replaced by its (already flattened) definition. */
  flatten(level: Level, depth: number, path: string[]): Level {
    this.nextLinkId = Math.max(this.nextLinkId, ...level.links.map((l) => l.id + 1));
    const byId = new Map(level.links.map((l) => [l.id, l]));
    const inner = new Map<string, Level>(); // instance id → its flattened, renumbered definition
    const nodes: Obj[] = [];
    for (const node of level.nodes) {
      const def = this.definitions.get(String(node.type));
      const flat =
        def && this.expandable(node, def, depth, path) ? this.flatDefinition(def, depth, path) : null;
      if (!flat) {
        nodes.push(node);
        continue;
      }
      inner.set(String(node.id), this.prefixed(flat, node));
      if (depth === 0) this.expanded.push(String(node.id));
    }
    if (inner.size === 0) return level;
    // Where an instance's input k really comes from (following chains of instances).
    const feeding = (instance: string, k: number, hops = 0): Link | undefined => {
      const node = level.nodes.find((n) => String(n.id) === instance);
      const id = node ? inputLinkIds(node)[k] : null;
      const link = id === null || id === undefined ? undefined : byId.get(id);
      return link ? source(link, hops + 1) : undefined;
    };
    // The concrete origin of a link that may leave an instance's output.
    const source = (link: Link, hops = 0): Link | undefined => {
      const flat = inner.get(link.origin);
      if (!flat || hops > 1000) return link;
      const out = flat.links.find((l) => l.target === OUTPUT_NODE && l.targetSlot === link.slot);
      if (!out) return undefined;
      if (out.origin !== INPUT_NODE) return { ...link, origin: out.origin, slot: out.slot };
      const fed = feeding(link.origin, out.slot, hops);
      return fed ? { ...link, origin: fed.origin, slot: fed.slot } : undefined;
    };
    const links: Link[] = [];
    for (const link of level.links) {
      if (inner.has(link.target)) continue; // replaced by the inner links from the input node
      const resolved = source(link);
      if (resolved) links.push(resolved);
      else this.warnings.push(`link ${link.id} leaves a subgraph output that nothing inside feeds`);
    }
    for (const [instance, flat] of inner) {
      const remap = new Map<number, number | null>();
      for (const l of flat.links) {
        if (l.target === OUTPUT_NODE) continue;
        if (l.origin !== INPUT_NODE) {
          links.push(l);
          continue;
        }
        const fed = feeding(instance, l.slot);
        const id = fed ? this.newLinkId() : null;
        if (fed && id !== null) links.push({ ...l, id, origin: fed.origin, slot: fed.slot });
        remap.set(l.id, id);
      }
      for (const node of flat.nodes) {
        for (const input of Array.isArray(node.inputs) ? node.inputs : [])
          if (isObj(input) && typeof input.link === 'number' && remap.has(input.link))
            input.link = remap.get(input.link);
        nodes.push(node);
      }
    }
    return { nodes, links };
  }

  private expandable(node: Obj, def: Obj, depth: number, path: string[]): boolean {
    const id = String(def.id);
    if (depth >= MAX_SUBGRAPH_DEPTH || path.includes(id)) {
      this.warnings.push(
        `subgraph instance ${String(node.id)} ("${String(def.name ?? id)}") ${path.includes(id) ? 'contains itself' : `is nested deeper than ${MAX_SUBGRAPH_DEPTH} levels`}; kept as a placeholder`,
      );
      return false;
    }
    const size = Array.isArray(def.nodes) ? def.nodes.length : 0;
    if (this.nodeCount + size > MAX_EXPANDED_NODES) {
      this.warnings.push(
        `subgraph instance ${String(node.id)} would grow the workflow past ${MAX_EXPANDED_NODES} nodes; kept as a placeholder`,
      );
      return false;
    }
    this.nodeCount += size;
    return true;
  }

  private flatDefinition(def: Obj, depth: number, path: string[]): Level {
    const nodes = (Array.isArray(def.nodes) ? def.nodes : []).filter(isObj).map((n) => structuredClone(n));
    const links = (Array.isArray(def.links) ? def.links : [])
      .map(readLink)
      .filter((l): l is Link => l !== null);
    return this.flatten({ nodes, links }, depth + 1, [...path, String(def.id)]);
  }

  /** The definition's nodes renamed "<instance>:<id>", placed at the instance, with fresh link ids. */
  private prefixed(flat: Level, instance: Obj): Level {
    const prefix = `${String(instance.id)}:`;
    const rename = (id: string) => (id === INPUT_NODE || id === OUTPUT_NODE ? id : prefix + id);
    const ids = new Map<number, number>();
    const links = flat.links.map((l) => {
      const id = this.newLinkId();
      ids.set(l.id, id);
      return { ...l, id, origin: rename(l.origin), target: rename(l.target) };
    });
    const at = Array.isArray(instance.pos) ? (instance.pos as number[]) : [0, 0];
    const positions = flat.nodes.map((n) => (Array.isArray(n.pos) ? (n.pos as number[]) : [0, 0]));
    const left = Math.min(...positions.map((p) => Number(p[0]) || 0));
    const top = Math.min(...positions.map((p) => Number(p[1]) || 0));
    const nodes = flat.nodes.map((node, i) => {
      const copy: Obj = { ...node, id: rename(String(node.id)) };
      copy.pos = [
        at[0] + (Number(positions[i][0]) || 0) - left,
        at[1] + (Number(positions[i][1]) || 0) - top,
      ];
      // A bypassed or muted instance bypasses or mutes what it holds.
      if (typeof instance.mode === 'number' && instance.mode !== 0) copy.mode = instance.mode;
      copy.inputs = (Array.isArray(node.inputs) ? node.inputs : []).map((input) =>
        isObj(input) && typeof input.link === 'number'
          ? { ...input, link: ids.get(input.link) ?? null }
          : input,
      );
      return copy;
    });
    return { nodes, links };
  }
}

/**
 * The workflow with its subgraph instances expanded (the same object when it has none), and the ids
 * of the instances that were. Problems become warnings; an instance that cannot expand stays as is.
 */
export function expandSubgraphs(workflow: Obj, warnings: string[]): { workflow: Obj; expanded: string[] } {
  const definitions = new Map<string, Obj>();
  const defs = isObj(workflow.definitions) ? workflow.definitions : {};
  for (const def of Array.isArray(defs.subgraphs) ? defs.subgraphs : [])
    if (isObj(def) && typeof def.id === 'string') definitions.set(def.id, def);
  const nodes = (Array.isArray(workflow.nodes) ? workflow.nodes : []).filter(isObj);
  if (!nodes.some((n) => definitions.has(String(n.type)))) return { workflow, expanded: [] };
  const links = (Array.isArray(workflow.links) ? workflow.links : [])
    .map(readLink)
    .filter((l): l is Link => l !== null);
  const expander = new Expander(definitions, warnings);
  const flat = expander.flatten({ nodes, links }, 0, []);
  return {
    workflow: { ...workflow, nodes: flat.nodes, links: flat.links.map(writeLink) },
    expanded: expander.expanded,
  };
}
