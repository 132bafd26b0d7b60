// Problems found in a graph document (by its loader, schema checks or the engine's validation),
// each tied to a node and, where it applies, an input or widget. Plain data: they cross every boundary.

/** One problem found by validation, tied to a node (and an input or widget where it applies). */
export interface GraphProblem {
  /** Node id, or null for a problem with the whole graph (e.g. no output node). */
  nodeId: string | null;
  /** The input, output or widget name the problem is about. */
  field?: string;
  code: ProblemCode;
  message: string;
}

export type ProblemCode =
  | 'unknown-node-type'
  | 'missing-input'
  | 'type-mismatch'
  | 'cycle'
  | 'missing-node'
  | 'missing-port'
  | 'bad-widget-value'
  | 'duplicate-id'
  | 'multiple-wires'
  | 'no-output-node'
  | 'memory-budget'
  | 'bad-document';
