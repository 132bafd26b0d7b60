// Compiling a graph: upgrade and schema-check the document, run every structural check, then
// build the plan. validateGraph reports all problems at once.
import { normalizeGraph } from '../../graph/normalize.ts';
import type { GraphProblem } from '../../graph/problems.ts';
import type { GraphDocument } from '../../graph/schema.ts';
import { terminalSafe } from '../../util/terminal-safe.ts';
import { checkMemoryBudget } from '../memory-budget.ts';
import type { NodeRegistry } from '../registry.ts';
import { checkGraph } from './checks.ts';
import { buildPlan, type PlanStep } from './plan.ts';

export interface CompiledGraph {
  problems: GraphProblem[];
  /** The upgraded document (absent when it is not a graph document at all). */
  doc?: GraphDocument;
  /** Steps in run order; empty when there are problems. */
  steps: PlanStep[];
}

export function compileGraph(raw: unknown, registry: NodeRegistry): CompiledGraph {
  const normalized = normalizeGraph(raw);
  if (!normalized.ok) return { problems: normalized.problems, steps: [] };
  const doc = normalized.doc;
  const problems = checkGraph(doc, registry);
  // Sizes are only trusted once the widgets passed their checks.
  if (problems.length === 0) problems.push(...checkMemoryBudget(doc, registry));
  if (problems.length > 0) return { problems, doc, steps: [] };
  const plan = buildPlan(doc, registry);
  return { problems: plan.problems, doc, steps: plan.steps };
}

/** Every problem in the graph (empty when it can run). Accepts any JSON value. */
export function validateGraph(doc: unknown, registry: NodeRegistry): GraphProblem[] {
  return compileGraph(doc, registry).problems;
}

/** One line for a terminal, starting with the node id: `sampler.steps: Widget "steps": ... [bad-widget-value]`. */
export function formatProblem(problem: GraphProblem): string {
  const where = problem.nodeId === null ? '(graph)' : problem.nodeId;
  const field = problem.field ? `.${problem.field}` : '';
  // Ids and messages come from the graph: escape control characters before they reach a terminal.
  return terminalSafe(`${where}${field}: ${problem.message.replace(/\s*\n\s*/g, ' ')} [${problem.code}]`);
}
