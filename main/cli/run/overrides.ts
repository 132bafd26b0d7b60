// --set nodeId.widget=value: parse the option, then apply it to a graph, checking the target
// exists and the value suits the widget's type (exactly as the editor would).
import type { WidgetSpec } from '../../../nodes/api.ts';
import type { NodeRegistry } from '../../engine/registry.ts';
import type { GraphDocument } from '../../graph/schema.ts';
import { parseWidgetValue } from '../../graph/widget-values.ts';
import { errorMessage } from '../util/problems.ts';
import { type Override, overrideKey } from './set-option.ts';

export interface AppliedOverrides {
  /** Parsed values by `nodeId.widget`, for the manifest. */
  values: Record<string, unknown>;
  /** One line per problem, each naming the file, node and widget. */
  problems: string[];
}

/** Write each override into `doc` (mutates it). Problems are collected, not thrown, so all are shown. */
export function applyOverrides(
  doc: GraphDocument,
  registry: NodeRegistry,
  overrides: readonly Override[],
  file: string,
): AppliedOverrides {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const override of overrides) {
    const where = `${file}: --set ${overrideKey(override)}`;
    const found = findWidget(doc, registry, override);
    if (typeof found === 'string') {
      problems.push(`${where}: ${found}`);
      continue;
    }
    const feeder = doc.edges.find((edge) => edge.to[0] === override.nodeId && edge.to[1] === override.widget);
    if (feeder) {
      problems.push(
        `${where}: widget "${override.widget}" of node "${override.nodeId}" is fed by a wire from node ` +
          `"${feeder.from[0]}"; set that node's widget instead`,
      );
      continue;
    }
    const parsed = parseValue(found, override.text);
    if (!parsed.ok) {
      problems.push(`${where}: ${parsed.message}`);
      continue;
    }
    doc.nodes[override.nodeId].widgets[override.widget] = parsed.value;
    values[overrideKey(override)] = parsed.value;
  }
  return { values, problems };
}

function findWidget(doc: GraphDocument, registry: NodeRegistry, override: Override): WidgetSpec | string {
  const node = Object.hasOwn(doc.nodes, override.nodeId) ? doc.nodes[override.nodeId] : undefined;
  if (!node) {
    return `no node "${override.nodeId}" in this graph (nodes: ${Object.keys(doc.nodes).join(', ') || 'none'})`;
  }
  const def = registry.get(node.type);
  if (!def) return `node "${override.nodeId}" has unknown type "${node.type}"`;
  const widgets = def.widgets;
  const spec = widgets.find((widget) => widget.name === override.widget);
  if (!spec) {
    const names = widgets.map((widget) => widget.name).join(', ') || 'none';
    return `node "${override.nodeId}" (${node.type}) has no widget "${override.widget}" (widgets: ${names})`;
  }
  return spec;
}

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/** Parsed by the widget's kind and checked against its range/options (parseWidgetValue does both). */
function parseValue(spec: WidgetSpec, text: string): Parsed {
  try {
    return { ok: true, value: parseWidgetValue(spec, text) };
  } catch (error) {
    return { ok: false, message: `widget "${spec.name}" (${spec.kind}): ${errorMessage(error)}` };
  }
}
