// The output values a node asks to show on itself after a run (scores of the evaluation nodes),
// as small plain data for the node-done event: numbers, booleans and short texts only.
import type { NodeDefinition, NodeOutputs } from '../../../nodes/api.ts';

/** Longer texts are cut: the event travels to the editor with every run. */
const MAX_SHOWN_TEXT = 200;

export type ShownValues = Record<string, number | string | boolean>;

export function shownValues(def: NodeDefinition, outputs: NodeOutputs): ShownValues | undefined {
  if (!def.showOutputValues) return undefined;
  const values: ShownValues = {};
  for (const output of def.outputs) {
    const value = outputs[output.name];
    if (typeof value === 'number' || typeof value === 'boolean') values[output.name] = value;
    else if (typeof value === 'string') values[output.name] = value.slice(0, MAX_SHOWN_TEXT);
  }
  return Object.keys(values).length > 0 ? values : undefined;
}
