// The `models: [{name, sha256}]` list of a graph document as plain data: no file access here, so
// hosts can set it without loading the model scanner (main/runtime/model-refs.ts computes the list).

export interface ModelReference {
  name: string;
  sha256: string;
}

/** `doc` with its `models` list replaced by `models` (left out when empty); other values as given. */
export function setModelReferences<T>(doc: T, models: readonly ModelReference[]): T {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return doc;
  const { models: _recorded, ...rest } = doc as Record<string, unknown>;
  return (
    models.length > 0 ? { ...rest, models: models.map((m) => ({ name: m.name, sha256: m.sha256 })) } : rest
  ) as T;
}
