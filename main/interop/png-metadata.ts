// The one place interop reads PNG text chunks (so it can move to a bounded reader in one edit).
import { readPngTextChunks } from '../graph/png-text.ts';

export interface PngMetadata {
  diffgraph?: string;
  workflow?: string;
  prompt?: string;
  parameters?: string;
}

const KEYWORDS = ['diffgraph', 'workflow', 'prompt', 'parameters'] as const;

/** The text chunks Diffgraph, ComfyUI and A1111 write. Throws for a file that is not a PNG. */
export function readPngMetadata(png: Buffer): PngMetadata {
  const found: PngMetadata = {};
  for (const { keyword, text } of readPngTextChunks(png)) {
    const key = KEYWORDS.find((k) => k === keyword);
    if (key && found[key] === undefined) found[key] = text;
  }
  return found;
}
