// The execution plan: pulled from output nodes, so only what they need runs, in a deterministic
// order (depth-first from each output node in document order, inputs in declaration order).
// Muted nodes do not run, and neither does anything that strictly needs them; a bypassed node
// hands each consumer its first wired input of the same type instead of its own output.
// Assumes checkGraph found no problems (known types, existing ports, no loops).
import type { InputSpec, NodeDefinition, WidgetSpec } from '../../../nodes/api.ts';
import type { GraphProblem } from '../../graph/problems.ts';
import type { GraphDocument } from '../../graph/schema.ts';
import { widgetValuesWithDefaults } from '../../graph/widget-values.ts';
import type { NodeRegistry } from '../registry.ts';
import { type IncomingEdges, incomingEdges } from './edges.ts';
import { walkPostOrder } from './graph-walk.ts';

export interface PlanSource {
  nodeId: string;
  output: string;
}

export interface PlanInput {
  /** Input or widget name. */
  name: string;
  source: PlanSource;
  /** Set when the wire feeds a widget. */
  widget?: WidgetSpec;
}

export interface PlanStep {
  nodeId: string;
  def: NodeDefinition;
  /** Widget values from the document with defaults filled; wired widgets are overridden at run time. */
  widgets: Record<string, unknown>;
  inputs: PlanInput[];
}

export interface Plan {
  steps: PlanStep[];
  problems: GraphProblem[];
}

type Resolved = PlanSource | 'muted' | 'nothing';

export function buildPlan(doc: GraphDocument, registry: NodeRegistry): Plan {
  return new Planner(doc, registry).build();
}

class Planner {
  private readonly incoming: IncomingEdges;
  private readonly steps = new Map<string, PlanStep | null>();
  private readonly ordered: PlanStep[] = [];
  private readonly problems: GraphProblem[] = [];

  constructor(
    private readonly doc: GraphDocument,
    private readonly registry: NodeRegistry,
  ) {
    this.incoming = incomingEdges(doc);
  }

  build(): Plan {
    let roots = 0;
    for (const [id, node] of Object.entries(this.doc.nodes)) {
      if (node.mute || node.bypass || !this.def(id).output) continue;
      if (this.visit(id)) roots++;
    }
    if (roots === 0 && this.problems.length === 0) {
      const message = 'No output node can run: each is muted, bypassed or needs a muted node';
      this.problems.push({ nodeId: null, code: 'no-output-node', message });
    }
    return { steps: this.problems.length ? [] : this.ordered, problems: this.problems };
  }

  private def(id: string): NodeDefinition {
    return this.registry.get(this.doc.nodes[id].type) as NodeDefinition;
  }

  /** Plans `id` after everything it needs; null when it cannot run (it needs a muted node). */
  private visit(id: string): PlanStep | null {
    // Iterative: a long chain of nodes must not overflow the call stack.
    walkPostOrder(
      id,
      (nodeId) =>
        this.wiredPorts(nodeId).flatMap(({ source }) => (typeof source === 'object' ? [source.nodeId] : [])),
      (nodeId) => this.steps.has(nodeId),
      (nodeId) => this.plan(nodeId),
    );
    return this.steps.get(id) ?? null;
  }

  /** Each wired input and widget of `id`, in declaration order, with where its value comes from. */
  private wiredPorts(
    id: string,
  ): Array<{ name: string; input?: InputSpec; widget?: WidgetSpec; from: string; source: Resolved }> {
    const def = this.def(id);
    const wired = this.incoming.get(id);
    const ports = [
      ...def.inputs.map((input) => ({ input, widget: undefined })),
      ...def.widgets.map((widget) => ({ input: undefined, widget })),
    ];
    return ports.flatMap(({ input, widget }) => {
      const name = (input ?? widget)?.name as string;
      const edge = wired?.get(name)?.[0];
      if (!edge) return [];
      return [{ name, input, widget, from: edge.from[0], source: this.resolve(edge.from[0], edge.from[1]) }];
    });
  }

  /** Builds the step for `id`; everything it needs has been planned already. */
  private plan(id: string): void {
    const def = this.def(id);
    const inputs: PlanInput[] = [];
    let runnable = true;
    for (const { name, input, widget, from, source } of this.wiredPorts(id)) {
      const usable = typeof source === 'object' && (this.steps.get(source.nodeId) ?? null) !== null;
      if (usable) inputs.push({ name, source, widget });
      else if (input && !input.optional) {
        if (source === 'nothing') this.reportEmptyBypass(id, name, from, input.type);
        runnable = false;
      }
    }
    const step = runnable
      ? { nodeId: id, def, widgets: widgetValuesWithDefaults(def, this.doc.nodes[id].widgets), inputs }
      : null;
    this.steps.set(id, step);
    if (step) this.ordered.push(step);
  }

  /** Where an output's value really comes from, looking through bypassed nodes. */
  private resolve(startId: string, startOutput: string): Resolved {
    // A loop rather than recursion: chains of bypassed nodes can be long too.
    let [nodeId, output] = [startId, startOutput];
    for (;;) {
      const node = this.doc.nodes[nodeId];
      if (node.mute) return 'muted';
      if (!node.bypass) return { nodeId, output };
      const def = this.def(nodeId);
      const type = def.outputs.find((o) => o.name === output)?.type;
      const edge = def.inputs
        .filter((input) => input.type === type)
        .map((input) => this.incoming.get(nodeId)?.get(input.name)?.[0])
        .find((candidate) => candidate !== undefined);
      if (!edge) return 'nothing';
      [nodeId, output] = [edge.from[0], edge.from[1]];
    }
  }

  private reportEmptyBypass(nodeId: string, input: string, bypassed: string, type: string): void {
    const message = `Required input "${input}" comes from bypassed node "${bypassed}", which has no wired ${type} input to pass through`;
    this.problems.push({ nodeId, field: input, code: 'missing-input', message });
  }
}
