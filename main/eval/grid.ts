// The grid of `diffgraph eval`: `--set node.widget=a,b,c` lists become axes, single values stay
// fixed; every combination of axis values is one cell. A literal comma is written `\,`.
/** A `--set nodeId.widget=value` as the CLI parses it (the value as typed). */
export interface Override {
  nodeId: string;
  widget: string;
  text: string;
}

export interface GridAxis {
  nodeId: string;
  widget: string;
  values: string[];
}

export interface GridCell {
  /** `nodeId.widget` -> the value as typed. */
  values: Record<string, string>;
  overrides: Override[];
}

function splitList(text: string): string[] {
  return text.split(/(?<!\\),/).map((part) => part.replaceAll('\\,', ','));
}

export function buildGrid(overrides: readonly Override[]): { axes: GridAxis[]; cells: GridCell[] } {
  const fixed: Override[] = [];
  const axes: GridAxis[] = [];
  for (const o of overrides) {
    const values = splitList(o.text);
    if (values.length === 1) fixed.push({ ...o, text: values[0] });
    else axes.push({ nodeId: o.nodeId, widget: o.widget, values });
  }
  let cells: GridCell[] = [{ values: {}, overrides: fixed }];
  for (const axis of axes) {
    cells = cells.flatMap((cell) =>
      axis.values.map((value) => ({
        values: { ...cell.values, [`${axis.nodeId}.${axis.widget}`]: value },
        overrides: [...cell.overrides, { nodeId: axis.nodeId, widget: axis.widget, text: value }],
      })),
    );
  }
  return { axes, cells };
}
