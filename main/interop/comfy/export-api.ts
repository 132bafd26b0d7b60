// A Diffgraph graph → ComfyUI's API format (what `POST /prompt` takes).
import type { NodeRegistry } from '../../engine/registry.ts';
import type { GraphDocument } from '../../graph/schema.ts';
import { DISPLAY_NAMES } from './classes.ts';
import { exportGroups } from './export-groups.ts';
import { exportWires, partsMeta } from './export-wires.ts';

export interface ExportReport {
  skipped: { id: string; type: string; reason: string }[];
  problems: string[];
}

/** Frontend-only widget slots that the API format does not carry. */
const UI_ONLY = new Set(['control_after_generate', 'upload']);

export function exportComfyApi(
  doc: GraphDocument,
  registry: NodeRegistry,
): { prompt: Record<string, unknown>; report: ExportReport } {
  const { groups, skipped, notes: unwritten } = exportGroups(doc, registry);
  const report: ExportReport = { skipped, problems: [...unwritten] };
  const wires = exportWires(doc, groups, report.problems);
  const prompt: Record<string, unknown> = {};
  for (const group of groups) {
    const raw = group.raw as { inputs?: Record<string, unknown>; widgets_values?: unknown } | undefined;
    const inputs: Record<string, unknown> = {};
    if (raw) {
      if (raw.widgets_values !== undefined)
        report.problems.push(
          `${group.classType} ${group.id}: a UI-format placeholder exports without its widget values`,
        );
      for (const [name, value] of Object.entries(raw.inputs ?? {}))
        if (!Array.isArray(value)) inputs[name] = value;
    }
    for (const [name, value] of Object.entries(group.values)) if (!UI_ONLY.has(name)) inputs[name] = value;
    for (const wire of wires) if (wire.to === group.id) inputs[wire.input] = [wire.from, wire.slot];
    const title = doc.nodes[group.id].title ?? DISPLAY_NAMES[group.classType] ?? group.classType;
    const meta = raw ? { title } : { title, diffgraph: partsMeta(doc, group) };
    prompt[group.id] = { inputs, class_type: group.classType, _meta: meta };
  }
  return { prompt, report };
}
