// The `models: [{name, sha256}]` list a graph document records, so that a graph moved to another
// machine finds its models by content or says exactly which one is missing. Hosts record it when
// saving a graph, and SaveImage (through the node context's run scope) when embedding it in a
// PNG. A model not on this machine keeps the hash the graph already recorded for it; one never
// recorded is left out (the run reports it).
import type { RuntimeServices, WidgetSpec } from '../../nodes/api.ts';
import type { ModelReference } from '../../nodes/model-references.ts';
import { modelRoots, recordedSha256, resolveModel } from './model-resolve.ts';
import { modelSha256 } from './model-scan.ts';

export type { ModelReference } from '../../nodes/model-references.ts';
export { setModelReferences } from '../../nodes/model-references.ts';

interface GraphLike {
  nodes?: Record<string, { type?: string; widgets?: Record<string, unknown> }>;
  edges?: { from?: unknown; to?: unknown }[];
  models?: unknown;
}

export type WidgetsOf = (type: string) => readonly WidgetSpec[] | undefined;

function refersToModel(spec: WidgetSpec): boolean {
  return spec.kind === 'model' || (spec.kind === 'file' && spec.folder === 'models');
}

/** The value a primitive node wired into `[nodeId, widget]` holds, if one is. */
function wiredValue(doc: GraphLike, nodeId: string, widget: string): unknown {
  if (!Array.isArray(doc.edges)) return undefined;
  const edge = doc.edges.find(
    (e) => Array.isArray(e?.to) && e.to[0] === nodeId && e.to[1] === widget && Array.isArray(e.from),
  );
  if (!edge) return undefined;
  const source = doc.nodes?.[(edge.from as unknown[])[0] as string];
  return source?.widgets?.value;
}

/** Every model name the graph's widgets (or primitives wired into them) hold. */
export function modelNames(doc: GraphLike, widgetsOf: WidgetsOf): string[] {
  const names = new Set<string>();
  const nodes = doc.nodes && typeof doc.nodes === 'object' ? doc.nodes : {};
  for (const [id, node] of Object.entries(nodes)) {
    if (!node || typeof node !== 'object') continue;
    for (const spec of widgetsOf(node.type ?? '') ?? []) {
      if (!refersToModel(spec)) continue;
      const value = wiredValue(doc, id, spec.name) ?? node.widgets?.[spec.name] ?? spec.default;
      if (typeof value === 'string' && value.trim() !== '') names.add(value);
    }
  }
  return [...names].sort();
}

export interface ModelReferenceOptions {
  /** Absolute names resolve anywhere (RuntimeServices.allowAbsolutePaths); default false. */
  allowAbsolute?: boolean;
}

/** Every model a graph's widgets name, with the content hash of the model a run would use, by name. */
export async function modelReferences(
  doc: GraphLike,
  widgetsOf: WidgetsOf,
  roots: readonly string[],
  options: ModelReferenceOptions = {},
): Promise<ModelReference[]> {
  const refs: ModelReference[] = [];
  for (const name of modelNames(doc, widgetsOf)) {
    const recorded = recordedSha256(doc, name);
    try {
      const request = { name, roots, what: 'model', sha256: recorded, allowAbsolute: options.allowAbsolute };
      const { path } = await resolveModel(request);
      refs.push({ name, sha256: await modelSha256(path) });
    } catch {
      // Not on this machine (or a name the runtime refuses): keep what the graph knew.
      if (recorded) refs.push({ name, sha256: recorded });
    }
  }
  return refs;
}

/**
 * The models `doc` names (its widgets declared by `widgetsOf`), resolved in this runtime's
 * folders under its path policy: what SaveImage records and the worker answers for hosts saving
 * a graph.
 */
export async function graphModelReferences(
  runtime: RuntimeServices,
  widgetsOf: WidgetsOf,
  doc: unknown,
): Promise<ModelReference[]> {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return [];
  return modelReferences(doc as GraphLike, widgetsOf, modelRoots(runtime), {
    allowAbsolute: runtime.allowAbsolutePaths,
  });
}
