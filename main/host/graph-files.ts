// Graph files the editor can open: shipped templates (read-only), the user's graphs folder
// (read/write, atomic saves) and, in Electron, files the user picked in a dialog or recently used.
// Ids are `template:<relative>`, `graphs:<relative>` or `file:<absolute>`.
import { readdir, readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { importForeignJson } from '../interop/import-file.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { resolveInside } from './confine.ts';
import { MAX_NAME_BYTES } from './fs-wire-error.ts';
import type { GraphFileInfo } from './shared/api.ts';
import { HostError } from './shared/errors.ts';

/** Files outside the folders that the shell vouches for (dialog choices, command line, recent). */
export interface ExternalGraphFiles {
  isAllowed(absPath: string): boolean;
  recent(): string[];
  /** Called after a successful read or write, to update the recent list. */
  touched?(absPath: string): void | Promise<void>;
}

export interface GraphStoreOptions {
  templatesDir: string;
  graphsDir: string;
  external?: ExternalGraphFiles;
}

const MAX_DEPTH = 4;
const MAX_GRAPH_BYTES = 64 * 1024 * 1024;

export class GraphStore {
  constructor(private readonly options: GraphStoreOptions) {}

  async list(): Promise<GraphFileInfo[]> {
    const templates = await this.describeAll(this.options.templatesDir, 'template', 1);
    const user = await this.describeAll(this.options.graphsDir, 'graphs', MAX_DEPTH);
    const recent: GraphFileInfo[] = [];
    for (const path of this.options.external?.recent() ?? []) {
      const info = await describeFile(path, `file:${path}`, 'recent');
      if (info) recent.push(info);
    }
    return [...templates, ...user, ...recent];
  }

  async read(id: string): Promise<unknown> {
    const path = await this.pathOf(id, 'read');
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw new HostError('not-found', `graph "${id}" does not exist`);
      throw error;
    });
    const parsed = parseGraphText(text, id);
    // A ComfyUI workflow opens as the graph it imports to, with the import report for the editor.
    const imported = importForeignJson(parsed);
    const graph = imported ? { ...imported.doc, importReport: imported.report } : parsed;
    if (id.startsWith('file:')) await this.options.external?.touched?.(path);
    return graph;
  }

  async write(id: string, graph: unknown): Promise<string> {
    const canonical = canonicalId(id);
    if (canonical.startsWith('template:')) {
      throw new HostError(
        'forbidden',
        `"${id}" is a shipped template and read-only: save it under a new name`,
      );
    }
    const withExt =
      canonical.startsWith('graphs:') && !canonical.endsWith('.json') ? `${canonical}.json` : canonical;
    const tooLong = withExt.split(/[\\/:]/).find((part) => Buffer.byteLength(part) > MAX_NAME_BYTES);
    if (tooLong !== undefined) {
      throw new HostError(
        'bad-request',
        `graph name "${tooLong.slice(0, 40)}…" is too long (at most ${MAX_NAME_BYTES} bytes)`,
      );
    }
    const path = await this.pathOf(withExt, 'write');
    const text = `${JSON.stringify(graph, null, 2)}\n`;
    if (text.length > MAX_GRAPH_BYTES)
      throw new HostError('bad-request', `graph "${id}" is too large to save`);
    await writeFileAtomic(path, text);
    if (withExt.startsWith('file:')) await this.options.external?.touched?.(path);
    return withExt;
  }

  /** The absolute path an id names, confined to its folder (or vouched for by the shell). */
  async pathOf(id: string, purpose: 'read' | 'write'): Promise<string> {
    const canonical = canonicalId(id);
    const colon = canonical.indexOf(':');
    const area = canonical.slice(0, colon);
    const rest = canonical.slice(colon + 1);
    if (area === 'template') return resolveInside(this.options.templatesDir, rest, `template "${rest}"`);
    if (area === 'graphs') return resolveInside(this.options.graphsDir, rest, `graph "${rest}"`);
    if (area === 'file' && isAbsolute(rest) && this.options.external?.isAllowed(rest)) return rest;
    if (area === 'file') {
      throw new HostError(
        'forbidden',
        `cannot ${purpose} "${rest}": only files chosen in a dialog or opened before`,
      );
    }
    throw new HostError('bad-request', `unknown graph id "${id}" (expected template:, graphs: or file:)`);
  }

  private async describeAll(
    dir: string,
    source: 'template' | 'graphs',
    depth: number,
  ): Promise<GraphFileInfo[]> {
    const files = await listJsonFiles(dir, depth);
    const infos: GraphFileInfo[] = [];
    for (const path of files) {
      const rel = relative(dir, path).split(sep).join('/');
      const info = await describeFile(path, `${source}:${rel}`, source);
      if (info) infos.push(info);
    }
    return infos;
  }
}

/** A bare name ("my graph.json") means the user's graphs folder. */
function canonicalId(id: string): string {
  return /^(template|graphs|file):/.test(id) ? id : `graphs:${id}`;
}

function parseGraphText(text: string, id: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HostError('bad-request', `graph "${id}" is not valid JSON: ${(error as Error).message}`);
  }
}

async function describeFile(
  path: string,
  id: string,
  source: GraphFileInfo['source'],
): Promise<GraphFileInfo | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  const info: GraphFileInfo = { id, name: basename(path), source };
  try {
    const doc = JSON.parse(text) as { title?: unknown; description?: unknown };
    if (typeof doc.title === 'string') info.title = doc.title;
    if (typeof doc.description === 'string') info.description = doc.description;
  } catch {
    // Still listed: opening it reports the parse error with the file's name.
  }
  return info;
}

async function listJsonFiles(dir: string, depth: number): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth > 1) found.push(...(await listJsonFiles(path, depth - 1)));
    else if (entry.isFile() && entry.name.endsWith('.json')) found.push(path);
  }
  return found;
}
