// Words for a refused run: each problem with the node it is on, as the toast and queue entry show it.
import type { GraphProblem } from '../../../main/engine/events.ts';
import { type GraphDoc, nodeLabel } from '../doc/types.ts';

/** "Sampler: …" — the node's title or type, so the user can find it. */
export function problemLabel(problem: GraphProblem, doc: GraphDoc): string {
  return problem.nodeId === null ? problem.message : `${nodeLabel(doc, problem.nodeId)}: ${problem.message}`;
}

export function describeRefusal(problems: GraphProblem[], doc: GraphDoc): string {
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return `Run refused, ${problems.length} ${noun}: ${problems.map((p) => problemLabel(p, doc)).join('; ')}`;
}
