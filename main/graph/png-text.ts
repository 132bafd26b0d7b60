// PNG text chunks: SaveImage embeds the graph as an iTXt chunk (keyword `diffgraph`, UTF-8 JSON)
// right after IHDR, and loading a PNG reads it back. sharp reads text chunks but cannot write
// them, and the format is simple enough to do by hand (length, type, data, CRC-32 of type+data).
import { PNG_SIGNATURE, pngChunk } from '../util/png-chunk.ts';
import {
  GRAPH_TEXT_KEYWORDS,
  type InflateBudget,
  inflateWithin,
  newInflateBudget,
} from './png-graph-chunks.ts';

export const GRAPH_PNG_KEYWORD = 'diffgraph';

interface Chunk {
  type: string;
  /** Offset of the chunk's length field. */
  start: number;
  /** Offset just past its CRC. */
  end: number;
  data: Buffer;
}

export interface PngText {
  keyword: string;
  text: string;
  chunk: 'tEXt' | 'iTXt' | 'zTXt';
}

function readChunks(png: Buffer): Chunk[] {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG file');
  const chunks: Chunk[] = [];
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const end = offset + 12 + length;
    if (end > png.length) throw new Error('PNG file is truncated');
    const type = png.toString('latin1', offset + 4, offset + 8);
    chunks.push({ type, start: offset, end, data: png.subarray(offset + 8, offset + 8 + length) });
    offset = end;
    if (type === 'IEND') break;
  }
  if (chunks[0]?.type !== 'IHDR') throw new Error('PNG file does not start with IHDR');
  return chunks;
}

/** An uncompressed iTXt chunk: keyword, 0, flag 0, method 0, empty language, 0, empty translation, 0, text. */
function itxtChunk(keyword: string, text: string): Buffer {
  const header = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0])]);
  return pngChunk('iTXt', Buffer.concat([header, Buffer.from(text, 'utf8')]));
}

/** Compressed text is inflated only for graph-carrying keywords, within `budget` (see png-graph-chunks.ts). */
function decodeTextChunk(chunk: Chunk, budget: InflateBudget): PngText | null {
  const { data, type } = chunk;
  if (type !== 'tEXt' && type !== 'zTXt' && type !== 'iTXt') return null;
  const nul = data.indexOf(0);
  if (nul < 0) return null;
  const keyword = data.toString('latin1', 0, nul);
  if (type === 'tEXt') return { keyword, text: data.toString('latin1', nul + 1), chunk: type };
  if (type === 'zTXt') {
    if (!GRAPH_TEXT_KEYWORDS.has(keyword)) return null;
    return {
      keyword,
      text: inflateWithin(data.subarray(nul + 2), keyword, budget).toString('latin1'),
      chunk: type,
    };
  }
  const compressed = data[nul + 1] === 1;
  const languageEnd = data.indexOf(0, nul + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) return null;
  const body = data.subarray(translatedEnd + 1);
  if (compressed && !GRAPH_TEXT_KEYWORDS.has(keyword)) return null;
  return {
    keyword,
    text: (compressed ? inflateWithin(body, keyword, budget) : body).toString('utf8'),
    chunk: type,
  };
}

/**
 * Every uncompressed text chunk, and the compressed ones whose keyword can carry a graph, in file
 * order. Throws for a file that is not a PNG or text that inflates past MAX_PNG_TEXT_BYTES.
 */
export function readPngTextChunks(png: Buffer): PngText[] {
  const texts: PngText[] = [];
  const budget = newInflateBudget();
  for (const chunk of readChunks(png)) {
    const text = decodeTextChunk(chunk, budget);
    if (text) texts.push(text);
  }
  return texts;
}

/** A copy of `png` carrying `graph` as JSON; a graph embedded earlier is replaced. */
export function embedGraphInPng(png: Buffer, graph: unknown): Buffer {
  const chunks = readChunks(png);
  const kept = chunks.filter((chunk) => textKeyword(chunk) !== GRAPH_PNG_KEYWORD);
  const parts: Buffer[] = [PNG_SIGNATURE];
  for (const chunk of kept) {
    parts.push(png.subarray(chunk.start, chunk.end));
    if (chunk.type === 'IHDR') parts.push(itxtChunk(GRAPH_PNG_KEYWORD, JSON.stringify(graph)));
  }
  return Buffer.concat(parts);
}

/** The keyword of a text chunk, read without inflating anything. */
function textKeyword(chunk: Chunk): string | null {
  if (chunk.type !== 'tEXt' && chunk.type !== 'zTXt' && chunk.type !== 'iTXt') return null;
  const nul = chunk.data.indexOf(0);
  return nul < 0 ? null : chunk.data.toString('latin1', 0, nul);
}

/** The text chunks that can carry a graph (Diffgraph, ComfyUI `workflow`/`prompt`, A1111 `parameters`). */
export function readGraphTextChunks(png: Buffer): PngText[] {
  return readPngTextChunks(png).filter((text) => GRAPH_TEXT_KEYWORDS.has(text.keyword));
}

/** The embedded graph's JSON text, or null when the PNG carries none. Throws for a non-PNG. */
export function extractGraphTextFromPng(png: Buffer): string | null {
  return readGraphTextChunks(png).find((text) => text.keyword === GRAPH_PNG_KEYWORD)?.text ?? null;
}

/** The graph SaveImage embedded, or null when the PNG carries none. Throws for a non-PNG or bad JSON. */
export function extractGraphFromPng(png: Buffer): unknown | null {
  const text = extractGraphTextFromPng(png);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`the PNG's "${GRAPH_PNG_KEYWORD}" text is not valid JSON (${(error as Error).message})`);
  }
}
