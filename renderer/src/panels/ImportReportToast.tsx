// After opening or dropping a ComfyUI/A1111 file: what was converted, each placeholder (click to centre
// it) and each model found under another name or not found. Stays until closed or the next import.
import type { ImportReport, ModelMatch } from '../../../main/interop/comfy/types.ts';
import { focusNode } from '../store/focus.ts';
import { dismissImportReport, importReportStore } from '../store/import-report.ts';
import { useSlice } from '../store/store.ts';

const SOURCES: Record<ImportReport['source'], string> = {
  'comfy-ui': 'ComfyUI workflow',
  'comfy-api': 'ComfyUI API prompt',
  a1111: 'A1111 parameters',
  diffgraph: 'Diffgraph graph',
};

function modelLine(model: ModelMatch): string {
  if (!model.matched) return `${model.name}: not found by name${model.hash ? ' or hash' : ''}`;
  const how = model.by === 'name' ? 'by name' : `by hash ${model.hash}`;
  return `${model.name} → ${model.matched} (${how})`;
}

export function ImportReportToast() {
  const shown = useSlice(importReportStore, (s) => s.shown);
  if (!shown) return null;
  const { report, converted } = shown;
  const placeholders = report.unmapped.length;
  return (
    <div className="dg-toast dg-import-report" data-testid="import-report" role="status">
      <div className="dg-import-report-head">
        <span data-testid="import-report-summary">
          Imported {SOURCES[report.source]}: {converted} node{converted === 1 ? '' : 's'} converted
          {placeholders > 0 ? `, ${placeholders} kept as placeholder${placeholders === 1 ? '' : 's'}` : ''}
        </span>
        <button
          type="button"
          aria-label="Close"
          data-testid="import-report-close"
          onClick={dismissImportReport}
        >
          ×
        </button>
      </div>
      {placeholders > 0 && (
        <ul>
          {report.unmapped.map((node) => (
            <li key={node.id}>
              <button
                type="button"
                className="dg-link"
                data-testid={`import-report-node-${node.id}`}
                title="Show this node"
                onClick={() => focusNode(node.id)}
              >
                {node.type} (node {node.id})
              </button>
              : {node.reason}
            </li>
          ))}
        </ul>
      )}
      {(report.models ?? []).length > 0 && (
        <ul data-testid="import-report-models">
          {(report.models ?? []).map((model) => (
            <li key={model.nodeId} className={model.matched ? undefined : 'dg-import-report-missing'}>
              {modelLine(model)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
