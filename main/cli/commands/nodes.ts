// `diffgraph nodes`: the node catalogue (sockets and widgets), as a listing or as JSON.
import { Command } from 'commander';
import type { NodeSchema, WidgetSpec } from '../../../nodes/api.ts';

const EXAMPLES = `
Examples:
  $ diffgraph nodes
  $ diffgraph nodes --json | jq '.[] | select(.type == "Sampler") | .widgets'`;

export function nodesCommand(): Command {
  return new Command('nodes')
    .description('list every node type with its inputs, widgets and outputs')
    .option('--json', 'print the catalogue as JSON (the schema the editor reads)', false)
    .addHelpText('after', EXAMPLES)
    .action(async (options: { json: boolean }) => {
      const { defaultRegistry } = await import('../../engine/registry.ts');
      const schemas = defaultRegistry().schemas();
      const text = options.json ? JSON.stringify(schemas, null, 2) : schemas.map(describeSchema).join('\n\n');
      process.stdout.write(`${text}\n`);
    });
}

function describeSchema(node: NodeSchema): string {
  const flags = [node.output ? 'output' : '', node.nondeterministic ? 'never cached' : ''].filter(Boolean);
  const lines = [
    `${node.type}  (${node.category}${flags.length ? `; ${flags.join(', ')}` : ''})  ${node.description}`,
  ];
  for (const input of node.inputs)
    lines.push(`  in      ${input.name}: ${input.type}${input.optional ? ' (optional)' : ''}`);
  for (const widget of node.widgets) lines.push(`  widget  ${widget.name}: ${describeWidget(widget)}`);
  for (const output of node.outputs) lines.push(`  out     ${output.name}: ${output.type}`);
  return lines.join('\n');
}

function describeWidget(widget: WidgetSpec): string {
  const range = (min?: number, max?: number) =>
    min !== undefined || max !== undefined ? ` ${min ?? ''}..${max ?? ''}` : '';
  switch (widget.kind) {
    case 'int':
    case 'float':
      return `${widget.kind}${range(widget.min, widget.max)} = ${widget.default}`;
    case 'enum':
      return `one of ${widget.options.join('|')} = ${widget.default}`;
    case 'seed':
      return `seed = ${widget.default}${widget.control ? ` (${widget.control} after run)` : ''}`;
    case 'file':
      return `file in ${widget.folder}${widget.extensions ? ` (${widget.extensions.join(', ')})` : ''} = ${JSON.stringify(widget.default)}`;
    case 'model':
      return `${widget.modelKind} model = ${JSON.stringify(widget.default)}`;
    case 'string':
      return `${widget.multiline ? 'text' : 'string'} = ${JSON.stringify(widget.default)}`;
    case 'boolean':
      return `boolean = ${widget.default}`;
  }
}
