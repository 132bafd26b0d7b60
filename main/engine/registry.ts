// The node types an engine knows, by type name.
import { describeNode, type NodeDefinition, type NodeSchema } from '../../nodes/api.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { visibilityRuleProblems } from '../../nodes/widget-visibility.ts';

export class NodeRegistry {
  private readonly byType = new Map<string, NodeDefinition>();

  constructor(defs: Iterable<NodeDefinition>) {
    for (const def of defs) {
      if (this.byType.has(def.type)) throw new Error(`Node type "${def.type}" is defined twice`);
      const ruleProblems = visibilityRuleProblems(def.type, def.widgets);
      if (ruleProblems.length > 0) throw new Error(ruleProblems.join('; '));
      this.byType.set(def.type, def);
    }
  }

  get(type: string): NodeDefinition | undefined {
    return this.byType.get(type);
  }

  has(type: string): boolean {
    return this.byType.has(type);
  }

  list(): NodeDefinition[] {
    return [...this.byType.values()];
  }

  /** Declarations as JSON (no `run`), for the editor and `diffgraph nodes --json`. */
  schemas(): NodeSchema[] {
    return this.list().map(describeNode);
  }
}

export function defaultRegistry(): NodeRegistry {
  return new NodeRegistry(builtinNodes());
}
