// ONNX subgraph: ᾱ(t) for a float timestep tensor by linear interpolation of an embedded table
// (the same rule as sd-schedule.ts `interpolateAlphaCumprod`), so samplers may pass fractional t.
import type { GraphBuilder } from './graph-builder.ts';

/** Returns ᾱ(t) with t's shape; `t` must already be float32. */
export function alphaCumprodAt(g: GraphBuilder, t: string, table: ArrayLike<number>): string {
  const last = table.length - 1;
  const tableName = g.f32('alphas_cumprod', Float32Array.from(table));
  const tc = g.node('Clip', [t, g.scalar(0), g.scalar(last)]);
  const t0 = g.node('Floor', [tc]);
  const frac = g.node('Sub', [tc, t0]);
  const i0 = g.node('Cast', [t0], { to: 7 });
  const i1 = g.node('Min', [g.node('Add', [i0, g.scalar(1, 'int64')]), g.scalar(last, 'int64')]);
  const a0 = g.node('Gather', [tableName, i0], { axis: 0 });
  const a1 = g.node('Gather', [tableName, i1], { axis: 0 });
  return g.node('Add', [a0, g.node('Mul', [frac, g.node('Sub', [a1, a0])])]);
}
