// Which widgets apply to a node's current settings (a widget's `visibleWhen`). The editor hides
// the others; their values stay in the document and are still saved and run.
import type { WidgetSpec } from './api.ts';

/**
 * Is `spec` shown, given the node's widget values? A widget whose controlling widget is fed by a
 * wire (`wiredWidgets`) is shown: the value is only known at run time.
 */
export function isWidgetVisible(
  spec: WidgetSpec,
  values: Record<string, unknown>,
  widgets: readonly WidgetSpec[],
  wiredWidgets: ReadonlySet<string> = new Set(),
): boolean {
  const rule = spec.visibleWhen;
  if (!rule || wiredWidgets.has(rule.widget)) return true;
  const controller = widgets.find((w) => w.name === rule.widget);
  const value = values[rule.widget] ?? controller?.default;
  return typeof value === 'string' && rule.oneOf.includes(value);
}

/** Declaration errors in `visibleWhen` rules (unknown widget, not an enum, unknown option). */
export function visibilityRuleProblems(nodeType: string, widgets: readonly WidgetSpec[]): string[] {
  const problems: string[] = [];
  for (const spec of widgets) {
    const rule = spec.visibleWhen;
    if (!rule) continue;
    const where = `${nodeType}.${spec.name}: visibleWhen`;
    const controller = widgets.find((w) => w.name === rule.widget);
    if (!controller || controller === spec) {
      problems.push(`${where} names "${rule.widget}", which is not another widget of the node`);
    } else if (controller.kind !== 'enum') {
      problems.push(`${where} names "${rule.widget}" of kind ${controller.kind}, expected an enum widget`);
    } else {
      for (const option of rule.oneOf) {
        if (!controller.options.includes(option))
          problems.push(`${where} lists "${option}", not an option of "${rule.widget}"`);
      }
    }
  }
  return problems;
}
