// Which models a job needs, and which workers can run it. Routing is per model set: every distinct
// set of required models gets its own BullMQ queue (named by a hash of the set), and a worker
// consumes exactly the queues whose sets it holds. BullMQ then never hands a job to a worker that
// lacks its models — no job is taken only to be put back — and a set no live worker holds is
// visible (its queue has jobs, no advertised worker matches) so the submitter can fail those jobs.
import { createHash } from 'node:crypto';
import type { NodeRegistry } from '../../engine/registry.ts';
import type { GraphDocument } from '../../graph/schema.ts';
import { modelNames, modelReferences } from '../../runtime/model-refs.ts';

/** A model a job needs: by content hash when known (the submitter has it or the graph records it), else by name. */
export interface ModelRequirement {
  name: string;
  sha256: string | null;
}

/** What a worker advertises about one of its models. */
export interface HeldModel {
  name: string;
  sha256: string;
}

export async function jobRequirements(
  doc: GraphDocument,
  registry: NodeRegistry,
  roots: readonly string[],
): Promise<ModelRequirement[]> {
  const widgetsOf = (type: string) => registry.get(type)?.widgets;
  const known = await modelReferences(doc, widgetsOf, roots, { allowAbsolute: true });
  return modelNames(doc, widgetsOf).map((name) => ({
    name,
    sha256: known.find((ref) => ref.name === name)?.sha256 ?? null,
  }));
}

/** A short stable key for a set of requirements (order does not matter). */
export function modelSetKey(requirements: readonly ModelRequirement[]): string {
  const canonical = requirements
    .map((req) => req.sha256 ?? `name:${req.name}`)
    .sort()
    .join('\n');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** True when a worker holding `models` can run a job needing `requirements` (same content, any name). */
export function holdsAll(models: readonly HeldModel[], requirements: readonly ModelRequirement[]): boolean {
  return requirements.every((req) =>
    req.sha256
      ? models.some((model) => model.sha256 === req.sha256)
      : models.some((m) => m.name === req.name),
  );
}

export function describeRequirements(requirements: readonly ModelRequirement[]): string {
  if (requirements.length === 0) return 'no models';
  return requirements
    .map((req) => (req.sha256 ? `${req.name} (sha256 ${req.sha256.slice(0, 12)}…)` : req.name))
    .join(', ');
}
