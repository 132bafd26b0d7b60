// One line per validation problem, starting with the node id (and field) so it can be grepped.
import type { GraphProblem } from '../../engine/events.ts';
import { GraphLoadError } from '../../graph/load.ts';
import { terminalSafe } from '../../util/terminal-safe.ts';

export function formatProblem(problem: GraphProblem, file?: string): string {
  const where = `${problem.nodeId ?? 'graph'}${problem.field ? `.${problem.field}` : ''}`;
  // Node ids and messages come from the graph: no raw escape codes on the terminal.
  return terminalSafe(`${where}: ${problem.message}${file ? ` (${file})` : ''}`);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A file that cannot be used at all: its reason, then each schema problem on its own line. */
export function loadProblems(file: string, error: unknown): string[] {
  // Parser messages quote the file's bytes: escape control characters like every printed line.
  if (!(error instanceof GraphLoadError)) return [terminalSafe(`${file}: ${errorMessage(error)}`)];
  if (error.problems.length === 0) return [terminalSafe(error.message)];
  return [
    `${file}: not a valid graph document`,
    ...error.problems.map((problem) => formatProblem(problem, file)),
  ];
}
