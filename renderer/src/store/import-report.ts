// The report of the last ComfyUI/A1111 import: what was converted, the nodes kept as placeholders and
// the models matched (or not) on disk. The host sends it with the graph as `importReport`.
import type { ImportReport } from '../../../main/interop/comfy/types.ts';
import { createStore, type Store } from './store.ts';

export interface ShownImport {
  report: ImportReport;
  /** Nodes of the graph that are real Diffgraph nodes (not placeholders). */
  converted: number;
  seq: number;
}

export const importReportStore: Store<{ shown: ShownImport | null }> = createStore({
  shown: null as ShownImport | null,
});

let seq = 0;

function isReport(value: unknown): value is ImportReport {
  const r = value as Partial<ImportReport> | null;
  return !!r && typeof r.source === 'string' && Array.isArray(r.unmapped) && Array.isArray(r.warnings);
}

/** The graph without its `importReport`, and the report when there is one. */
export function takeImportReport(value: unknown): { graph: unknown; report: ImportReport | null } {
  if (!value || typeof value !== 'object' || !('importReport' in value))
    return { graph: value, report: null };
  const { importReport, ...graph } = value as Record<string, unknown>;
  return { graph, report: isReport(importReport) ? importReport : null };
}

export function showImportReport(report: ImportReport, nodeCount: number): void {
  importReportStore.set({ shown: { report, converted: nodeCount - report.unmapped.length, seq: ++seq } });
}

export function dismissImportReport(): void {
  importReportStore.set({ shown: null });
}
