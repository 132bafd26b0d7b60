// Cache keys. A node's signature hashes its type, its unwired widget values (in declaration order)
// and the signatures of what feeds its inputs, so it depends on what is computed, never on node
// ids or positions, and never on tensor data (hashing stays cheap).
import { hash } from 'node:crypto';
import type { PlanStep } from '../compile/plan.ts';

export function stepSignature(step: PlanStep, signatures: ReadonlyMap<string, string>, salt = ''): string {
  const widgets: unknown[] = [];
  for (const spec of step.def.widgets) {
    if (!step.inputs.some((input) => input.name === spec.name))
      widgets.push(spec.name, step.widgets[spec.name]);
  }
  let text = `${step.def.type}\u0000${JSON.stringify(widgets)}\u0000${salt}`;
  for (const input of step.inputs) {
    text += `\u0000${input.name}=${signatures.get(input.source.nodeId)}.${input.source.output}`;
  }
  return hash('sha1', text, 'base64');
}
