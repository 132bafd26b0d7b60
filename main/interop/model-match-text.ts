// The import report's line for a model found under another name (or not found at all).
import type { ModelMatch } from './comfy/types.ts';

const HASH_NAMES: Record<NonNullable<ModelMatch['by']>, string> = {
  name: 'name',
  sha256: 'sha256',
  a1111: 'A1111 short hash',
  'a1111-old': 'A1111 old short hash',
};

export function describeModelMatch(match: ModelMatch): string {
  const hash = match.hash ? ` (hash ${match.hash})` : '';
  if (!match.matched)
    return `"${match.name}"${hash} of node ${match.nodeId} not found by name${match.hash ? ' or hash' : ''}; looked in: ${match.folders.join(', ')}`;
  const how = match.by === 'name' ? 'by name' : `by its ${HASH_NAMES[match.by ?? 'sha256']} ${match.hash}`;
  return `"${match.name}" of node ${match.nodeId} not found; matched ${how}: ${match.matched} in ${match.folders[0]}`;
}
