// Structural checks of a (schema-valid) graph: node types, widget values, wires and their types,
// required inputs, loops and output nodes. Every problem is collected; nothing stops early.
import { type NodeDefinition, WIDGET_SOCKET } from '../../../nodes/api.ts';
import type { GraphProblem } from '../../graph/problems.ts';
import type { GraphDocument, GraphEdge, GraphNode } from '../../graph/schema.ts';
import { checkWidgetValue } from '../../graph/widget-values.ts';
import type { NodeRegistry } from '../registry.ts';
import { findCycles } from './cycles.ts';
import { describeSource, type IncomingEdges, incomingEdges } from './edges.ts';
import { wiredConstant } from './wired-constants.ts';

export function checkGraph(doc: GraphDocument, registry: NodeRegistry): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const incoming = incomingEdges(doc);
  for (const [id, node] of Object.entries(doc.nodes)) {
    const def = registry.get(node.type);
    if (!def) {
      problems.push({
        nodeId: id,
        code: 'unknown-node-type',
        message: `Unknown node type "${node.type}" (the node is kept, but the graph cannot run with it)`,
      });
      continue;
    }
    const wired = incoming.get(id);
    checkWidgets(id, node, def, wired, problems);
    checkWiredConstants(id, def, wired, doc, registry, problems);
    if (!node.mute && !node.bypass) checkRequiredInputs(id, def, wired, problems);
  }
  for (const edge of doc.edges) checkEdge(edge, doc, registry, problems);
  checkSingleWires(incoming, problems);
  for (const loop of findCycles(doc)) {
    problems.push({ nodeId: loop[0], code: 'cycle', message: `Wires form a loop: ${loop.join(' -> ')}` });
  }
  checkOutputNodes(doc, registry, problems);
  return problems;
}

function checkWidgets(
  id: string,
  node: GraphNode,
  def: NodeDefinition,
  wired: Map<string, GraphEdge[]> | undefined,
  problems: GraphProblem[],
): void {
  for (const spec of def.widgets) {
    if (wired?.has(spec.name) || !(spec.name in node.widgets)) continue;
    const problem = checkWidgetValue(spec, node.widgets[spec.name]);
    if (problem) {
      problems.push({
        nodeId: id,
        field: spec.name,
        code: 'bad-widget-value',
        message: `Widget "${spec.name}": ${problem}`,
      });
    }
  }
}

/** A primitive wired into a widget must satisfy that widget's rules (run checks the same). */
function checkWiredConstants(
  id: string,
  def: NodeDefinition,
  wired: Map<string, GraphEdge[]> | undefined,
  doc: GraphDocument,
  registry: NodeRegistry,
  problems: GraphProblem[],
): void {
  for (const spec of def.widgets) {
    const edge = wired?.get(spec.name)?.[0];
    const constant = edge && wiredConstant(edge, doc, registry);
    const problem = constant && checkWidgetValue(spec, constant.value);
    if (problem) {
      const message = `Widget "${spec.name}" is wired to node "${edge.from[0]}", whose value fails: ${problem}`;
      problems.push({ nodeId: id, field: spec.name, code: 'bad-widget-value', message });
    }
  }
}

function checkRequiredInputs(
  id: string,
  def: NodeDefinition,
  wired: Map<string, GraphEdge[]> | undefined,
  problems: GraphProblem[],
): void {
  for (const input of def.inputs) {
    if (input.optional || wired?.has(input.name)) continue;
    problems.push({
      nodeId: id,
      field: input.name,
      code: 'missing-input',
      message: `Required input "${input.name}" (${input.type}) is not connected`,
    });
  }
}

function checkEdge(
  edge: GraphEdge,
  doc: GraphDocument,
  registry: NodeRegistry,
  problems: GraphProblem[],
): void {
  const [fromId, outputName] = edge.from;
  const [toId, inputName] = edge.to;
  const fromNode = doc.nodes[fromId];
  const toNode = doc.nodes[toId];
  if (!toNode || !fromNode) {
    const missing = [fromNode ? null : fromId, toNode ? null : toId].filter((x) => x !== null);
    const at = toNode
      ? { nodeId: toId, field: inputName }
      : { nodeId: fromNode ? fromId : toId, field: outputName };
    const message = `Wire from node "${fromId}" output "${outputName}" to node "${toId}" input "${inputName}" refers to missing node ${missing.map((m) => `"${m}"`).join(' and ')}`;
    problems.push({ ...at, code: 'missing-node', message });
    return;
  }
  const fromDef = registry.get(fromNode.type);
  const toDef = registry.get(toNode.type);
  const output = fromDef?.outputs.find((o) => o.name === outputName);
  if (fromDef && !output) {
    const names = fromDef.outputs.map((o) => o.name).join(', ') || 'none';
    const message = `${fromDef.type} has no output "${outputName}" (outputs: ${names}); wired to node "${toId}" input "${inputName}"`;
    problems.push({ nodeId: fromId, field: outputName, code: 'missing-port', message });
  }
  if (!toDef) return;
  const input = toDef.inputs.find((i) => i.name === inputName);
  const widget = input ? undefined : toDef.widgets.find((w) => w.name === inputName);
  if (!input && !widget) {
    const inputs = toDef.inputs.map((i) => i.name).join(', ') || 'none';
    const widgets = toDef.widgets.map((w) => w.name).join(', ') || 'none';
    const message = `${toDef.type} has no input or widget "${inputName}" (inputs: ${inputs}; widgets: ${widgets})`;
    problems.push({ nodeId: toId, field: inputName, code: 'missing-port', message });
    return;
  }
  if (!output) return;
  const expected = input ? input.type : WIDGET_SOCKET[widget?.kind ?? 'string'];
  if (output.type !== expected) {
    const what = input
      ? `Input "${inputName}" expects ${expected}`
      : `Widget "${inputName}" can only be fed ${expected}`;
    const message = `${what} but is wired to ${output.type} (${describeSource(edge)})`;
    problems.push({ nodeId: toId, field: inputName, code: 'type-mismatch', message });
  }
}

function checkSingleWires(incoming: IncomingEdges, problems: GraphProblem[]): void {
  for (const [nodeId, byInput] of incoming) {
    for (const [input, edges] of byInput) {
      if (edges.length < 2) continue;
      const sources = edges.map(describeSource).join(', ');
      const message = `"${input}" has ${edges.length} wires (${sources}); an input takes one`;
      problems.push({ nodeId, field: input, code: 'multiple-wires', message });
    }
  }
}

function checkOutputNodes(doc: GraphDocument, registry: NodeRegistry, problems: GraphProblem[]): void {
  const outputs = Object.values(doc.nodes).filter((node) => registry.get(node.type)?.output);
  if (outputs.length === 0) {
    const message = 'The graph has no output node (such as SaveImage or PreviewImage), so nothing would run';
    problems.push({ nodeId: null, code: 'no-output-node', message });
  } else if (outputs.every((node) => node.mute || node.bypass)) {
    problems.push({
      nodeId: null,
      code: 'no-output-node',
      message: 'Every output node is muted or bypassed',
    });
  }
}
