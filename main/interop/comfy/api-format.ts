// ComfyUI's API format (what `POST /prompt` takes and the `prompt` PNG chunk holds):
// `{ "<id>": { "class_type": "KSampler", "inputs": { "seed": 5, "model": ["4", 0] } } }`.
// A two-element [id, index] array is a wire; anything else is a widget value.
import { buildGraph } from './build-graph.ts';
import { customTitle } from './classes.ts';
import type { ComfyNode, ImportReport } from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when `json` looks like an API-format prompt (every entry has a class_type). */
export function isApiPrompt(json: unknown): json is Obj {
  if (!isObj(json)) return false;
  const entries = Object.values(json);
  return entries.length > 0 && entries.every((e) => isObj(e) && typeof e.class_type === 'string');
}

function isLink(value: unknown): value is [string | number, number] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    (typeof value[0] === 'string' || typeof value[0] === 'number') &&
    Number.isInteger(value[1])
  );
}

export function apiNode(id: string, entry: Obj): ComfyNode {
  const inputs = isObj(entry.inputs) ? entry.inputs : {};
  const node: ComfyNode = { id, classType: String(entry.class_type), values: {}, links: {}, raw: entry };
  for (const [name, value] of Object.entries(inputs)) {
    if (isLink(value)) node.links[name] = { from: String(value[0]), slot: value[1] };
    else node.values[name] = value;
  }
  const meta = isObj(entry._meta) ? entry._meta : {};
  const title = customTitle(node.classType, meta.title);
  if (title) node.ui = { title };
  if (meta.diffgraph !== undefined) node.diffgraph = meta.diffgraph;
  if (!isObj(entry.inputs)) node.warnings = ['has no "inputs" object'];
  return node;
}

export function importApiPrompt(prompt: Obj) {
  const nodes = Object.entries(prompt).map(([id, entry]) => apiNode(id, entry as Obj));
  return buildGraph(nodes, {}, 'comfy-api' satisfies ImportReport['source']);
}
