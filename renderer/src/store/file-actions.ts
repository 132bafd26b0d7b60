// New, Open, Save, Save As, recent files, drops of graph files and app-made PNGs.
import type { ImportReport } from '../../../main/interop/comfy/types.ts';
import { asGraphDoc, emptyDoc, type GraphDoc } from '../doc/types.ts';
import { host } from '../host/host.ts';
import { editor, type FileRef, isDirty, replaceDocument, toast } from './editor.ts';
import { refreshGraphs } from './host-data.ts';
import { showImportReport, takeImportReport } from './import-report.ts';
import { withCurrentViewport } from './saved-viewport.ts';

const RECENT_KEY = 'diffgraph.recent';
const DEFAULT_TEMPLATE = 'template:default.json';

/** Runs `action` now, or after the user agrees to drop unsaved changes. */
export function confirmDiscard(action: () => void): void {
  const s = editor.get();
  if (!isDirty(s)) {
    action();
    return;
  }
  const name = s.file?.name ?? 'Untitled';
  editor.set({ dialog: { kind: 'confirm', message: `Discard unsaved changes to ${name}?`, action } });
}

export function newGraph(): void {
  confirmDiscard(() => replaceDocument(emptyDoc(), null));
}

function isTemplate(id: string): boolean {
  return id.startsWith('template:');
}

/** Opens a graph by host id. Templates open as a new untitled document (they are read-only). */
export async function openGraphNow(id: string, name?: string): Promise<boolean> {
  try {
    const { graph, report } = takeImportReport(await host().readGraph(id));
    const doc = asGraphDoc(graph);
    if (!doc) throw new Error('the file is not a Diffgraph graph');
    const fileName =
      name ??
      id
        .replace(/^[a-z]+:/, '')
        .split('/')
        .pop() ??
      id;
    const file = isTemplate(id) ? null : { id, name: fileName };
    replaceDocument(doc, file);
    if (file) addRecent(file);
    if (report) showImportReport(report, Object.keys(doc.nodes).length);
    return true;
  } catch (error) {
    toast(`Could not open ${name ?? id}: ${(error as Error).message}`, 'error');
    return false;
  }
}

export function openGraph(id: string, name?: string): void {
  confirmDiscard(() => void openGraphNow(id, name));
}

export function showOpen(): void {
  const shell = host().shell;
  if (!shell) {
    void refreshGraphs();
    editor.set({ dialog: { kind: 'open' } });
    return;
  }
  confirmDiscard(async () => {
    const chosen = await shell.openGraphDialog();
    const doc = chosen && asGraphDoc(chosen.graph);
    if (chosen && !doc) toast('That file is not a Diffgraph graph', 'error');
    if (chosen && doc) {
      const file = { id: chosen.id, name: chosen.id.split(/[\\/]/).pop() ?? chosen.id };
      replaceDocument(doc, file);
      addRecent(file);
    }
  });
}

export async function save(): Promise<void> {
  const s = editor.get();
  if (!s.file) return saveAs();
  await writeAs(s.file.id, s.file.name, s.doc);
}

export async function saveAs(): Promise<void> {
  const shell = host().shell;
  if (!shell) {
    editor.set({ dialog: { kind: 'save-as' } });
    return;
  }
  const doc = editor.get().doc;
  const id = await shell.saveGraphDialog(
    withCurrentViewport(doc),
    editor.get().file?.name ?? 'untitled.json',
  );
  if (id) markSaved({ id, name: id.split(/[\\/]/).pop() ?? id }, doc);
}

/** Saves into the user's graphs folder under a name (browser mode "Save As"). */
export async function saveAsName(name: string): Promise<boolean> {
  const clean = name.trim().replace(/\.json$/i, '');
  if (!clean) return false;
  return writeAs(`graphs:${clean}.json`, `${clean}.json`, editor.get().doc);
}

async function writeAs(id: string, name: string, doc: GraphDoc): Promise<boolean> {
  try {
    const newId = await host().writeGraph(id, withCurrentViewport(doc));
    markSaved({ id: newId, name }, doc);
    toast(`Saved ${name}`);
    return true;
  } catch (error) {
    toast(`Could not save ${name}: ${(error as Error).message}`, 'error');
    return false;
  }
}

function markSaved(file: FileRef, doc: GraphDoc): void {
  editor.set({ file, savedDoc: doc });
  addRecent(file);
}

export function loadRecent(): void {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as FileRef[];
    editor.set({
      recent: Array.isArray(list) ? list.filter((f) => typeof f?.id === 'string').slice(0, 10) : [],
    });
  } catch {
    editor.set({ recent: [] });
  }
}

function addRecent(file: FileRef): void {
  const recent = [file, ...editor.get().recent.filter((f) => f.id !== file.id)].slice(0, 10);
  editor.set({ recent });
  localStorage.setItem(RECENT_KEY, JSON.stringify(recent));
}

/** A dropped or picked file: a graph .json, or a PNG the app saved (its graph is embedded). */
export async function openLocalFile(file: File): Promise<void> {
  try {
    const { doc, report } = await graphOfFile(file);
    if (!doc) {
      toast(`${file.name} carries no Diffgraph graph`, 'error');
      return;
    }
    confirmDiscard(() => {
      replaceDocument(doc, null);
      if (report) showImportReport(report, Object.keys(doc.nodes).length);
    });
  } catch (error) {
    toast(`Could not open ${file.name}: ${(error as Error).message}`, 'error');
  }
}

/** The graph a file holds, and the import report when the host converted it from ComfyUI or A1111. */
async function graphOfFile(file: File): Promise<{ doc: GraphDoc | null; report: ImportReport | null }> {
  const fromHost = async (bytes: Uint8Array) => {
    const { graph, report } = takeImportReport(await host().graphFromPng(bytes));
    return { doc: asGraphDoc(graph), report };
  };
  if (/\.(png|webp)$/i.test(file.name) || file.type === 'image/png' || file.type === 'image/webp') {
    return fromHost(new Uint8Array(await file.arrayBuffer()));
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
  // A ComfyUI workflow or prompt: the host converts it (graphFromPng reads any file it can import).
  const own = asGraphDoc(json);
  return own ? { doc: own, report: null } : fromHost(bytes);
}

/** First start: the shipped default graph, so Run works at once. */
export async function openDefault(): Promise<void> {
  const graphs = editor.get().graphs;
  const id = graphs.find((g) => g.source === 'template' && g.name === 'default.json')?.id ?? DEFAULT_TEMPLATE;
  await openGraphNow(id, 'default.json');
}

export function loadRunGraph(runId: string): void {
  const doc = editor.get().runDocs[runId];
  if (doc) confirmDiscard(() => replaceDocument(doc, null));
}
