// Words for problems and refused runs: each problem with the name its node shows in its header.
import type { GraphProblem } from '../../../main/engine/events.ts';
import type { GraphDoc, SchemaMap } from '../doc/types.ts';

/** What the node's header says: its title, else its type's display name. */
export function nodeName(doc: GraphDoc, schemas: SchemaMap | undefined, id: string): string {
  const node = doc.nodes[id];
  if (!node) return id;
  return node.title || schemas?.get(node.type)?.displayName || node.type;
}

export function problemLabel(problem: GraphProblem, doc: GraphDoc, schemas?: SchemaMap): string {
  return problem.nodeId === null
    ? problem.message
    : `${nodeName(doc, schemas, problem.nodeId)}: ${problem.message}`;
}

export function describeRefusal(problems: GraphProblem[], doc: GraphDoc, schemas?: SchemaMap): string {
  const noun = problems.length === 1 ? 'problem' : 'problems';
  const list = problems.map((p) => problemLabel(p, doc, schemas)).join('; ');
  return `Run refused, ${problems.length} ${noun}: ${list}`;
}
