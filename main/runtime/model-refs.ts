// The `models: [{name, sha256}]` list a graph document records, so that a graph moved to another
// machine finds its models by content or says exactly which one is missing. Hosts call this when
// saving a graph; models that cannot be found are left out (the run will report them).
import type { WidgetSpec } from '../../nodes/api.ts';
import { resolveModel } from './model-resolve.ts';
import { modelSha256 } from './model-scan.ts';

export interface ModelReference {
  name: string;
  sha256: string;
}

interface GraphLike {
  nodes?: Record<string, { type?: string; widgets?: Record<string, unknown> }>;
}

function refersToModel(spec: WidgetSpec): boolean {
  return spec.kind === 'model' || (spec.kind === 'file' && spec.folder === 'models');
}

/** Every model a graph's widgets name, with its content hash, sorted by name. */
export async function modelReferences(
  doc: GraphLike,
  widgetsOf: (type: string) => readonly WidgetSpec[] | undefined,
  roots: readonly string[],
): Promise<ModelReference[]> {
  const names = new Set<string>();
  for (const node of Object.values(doc.nodes ?? {})) {
    for (const spec of widgetsOf(node.type ?? '') ?? []) {
      const value = node.widgets?.[spec.name] ?? spec.default;
      if (refersToModel(spec) && typeof value === 'string' && value.trim() !== '') names.add(value);
    }
  }
  const refs: ModelReference[] = [];
  for (const name of [...names].sort()) {
    try {
      const { path } = await resolveModel({ name, roots, what: 'model' });
      refs.push({ name, sha256: await modelSha256(path) });
    } catch {
      // Not on this machine: nothing to record.
    }
  }
  return refs;
}
