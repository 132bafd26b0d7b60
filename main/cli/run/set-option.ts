// Parsing `--set nodeId.widget=value` (the value is parsed later, per graph, by the widget's type).
import { InvalidArgumentError } from 'commander';

export interface Override {
  nodeId: string;
  widget: string;
  /** The value as typed; parsed per graph, since the widget's type comes from the node. */
  text: string;
}

/** Commander parser for a repeatable `--set`: `nodeId.widget=value` (node ids may contain dots). */
export function collectOverride(text: string, previous: Override[]): Override[] {
  const match = /^([^=]+)\.([a-z0-9_]+)=(.*)$/s.exec(text);
  if (!match) {
    throw new InvalidArgumentError(`"${text}" is not nodeId.widget=value (e.g. --set schedule.steps=20)`);
  }
  return [...previous, { nodeId: match[1], widget: match[2], text: match[3] }];
}

export function overrideKey(override: { nodeId: string; widget: string }): string {
  return `${override.nodeId}.${override.widget}`;
}
