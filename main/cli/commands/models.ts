// `diffgraph models`: what the models folders hold (kind, layout, inputs, hash).
import { Command } from 'commander';
import { modelSearchPath, resolveCliPaths } from '../util/paths.ts';
import { formatTable } from '../util/table.ts';

const EXAMPLES = `
Examples:
  $ diffgraph models
  $ diffgraph models --models ~/sd-models --json

Searches --models (or $DIFFGRAPH_MODELS, else ~/Diffgraph/models), then the model shipped with diffgraph.`;

export function modelsCommand(): Command {
  return new Command('models')
    .description('list the models diffgraph can load: kind, layout, inputs and content hash')
    .option('--models <dir>', 'models folder (default: $DIFFGRAPH_MODELS or ~/Diffgraph/models)')
    .option('--json', 'print the list as JSON', false)
    .addHelpText('after', EXAMPLES)
    .action(async (options: { models?: string; json: boolean }) => {
      const { listModels } = await import('../../runtime/index.ts');
      const searchPath = modelSearchPath(resolveCliPaths(options));
      const problems: { path: string; message: string }[] = [];
      const models = await listModels(searchPath, problems);
      for (const problem of problems) {
        process.stderr.write(`diffgraph: skipped ${problem.path}: ${problem.message}\n`);
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
        return;
      }
      if (models.length === 0) {
        process.stdout.write(`No models found in ${searchPath.join(', ')}\n`);
        return;
      }
      const rows = models.map((model) => [
        model.name,
        model.kind,
        model.layout,
        model.sha256.slice(0, 12),
        `${(model.bytes / 1e6).toFixed(1)} MB`,
        model.inputs.join('; '),
      ]);
      process.stdout.write(`${formatTable(['name', 'kind', 'layout', 'sha256', 'size', 'inputs'], rows)}\n`);
    });
}
