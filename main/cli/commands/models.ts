// `diffgraph models`: what the models folders hold. ONNX pipelines and models (kind, layout,
// inputs, hash), then checkpoints, LoRAs, VAEs and embeddings in the Diffgraph, ComfyUI and A1111
// folder layouts (architecture, dtype, size, training metadata), read from headers only.
import { Command } from 'commander';
import { modelSearchPath, resolveCliPaths } from '../util/paths.ts';
import { formatTable } from '../util/table.ts';

const EXAMPLES = `
Examples:
  $ diffgraph models
  $ diffgraph models --models ~/ComfyUI/models --models ~/stable-diffusion-webui --json

Searches --models (repeatable, or a list separated by "${process.platform === 'win32' ? ';' : ':'}"; default:
$DIFFGRAPH_MODELS, else ~/Diffgraph/models), then the model shipped with diffgraph. In each folder it
looks for Diffgraph/ComfyUI sub-folders (checkpoints, loras, vae, embeddings) and an A1111 install's
(models/Stable-diffusion, models/Lora, models/VAE, embeddings).`;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function describeMetadata(meta: Record<string, string>): string {
  const pick = [
    'modelspec.title',
    'modelspec.architecture',
    'ss_output_name',
    'ss_base_model_version',
    'ss_network_dim',
    'ss_network_alpha',
  ];
  return pick
    .filter((k) => meta[k])
    .map((k) => `${k.replace(/^(modelspec|ss)[._]/, '')}=${meta[k]}`)
    .join(' ');
}

export function modelsCommand(): Command {
  return new Command('models')
    .description('list the models diffgraph finds: ONNX pipelines, checkpoints, LoRAs, VAEs and embeddings')
    .option(
      '--models <dir>',
      'models folder, repeatable (default: $DIFFGRAPH_MODELS or ~/Diffgraph/models)',
      collect,
    )
    .option('--json', 'print the list as JSON', false)
    .addHelpText('after', EXAMPLES)
    .action(async (options: { models?: string[]; json: boolean }) => {
      const { listModels } = await import('../../runtime/index.ts');
      const { scanModelFiles } = await import('../../checkpoint/scan.ts');
      const paths = resolveCliPaths(options);
      const searchPath = modelSearchPath(paths);
      const problems: { path: string; message: string }[] = [];
      const models = await listModels(searchPath, problems);
      for (const problem of problems) {
        process.stderr.write(`diffgraph: skipped ${problem.path}: ${problem.message}\n`);
      }
      const files = await scanModelFiles([paths.models, ...paths.extraModels]);
      if (options.json) {
        process.stdout.write(`${JSON.stringify([...models, ...files], null, 2)}\n`);
        return;
      }
      if (models.length === 0 && files.length === 0) {
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
      if (rows.length > 0)
        process.stdout.write(
          `${formatTable(['name', 'kind', 'layout', 'sha256', 'size', 'inputs'], rows)}\n`,
        );
      const fileRows = files.map((f) => [
        f.name,
        f.category,
        f.architecture,
        f.dtype ?? '-',
        `${(f.bytes / 1e6).toFixed(1)} MB`,
        f.problem ?? describeMetadata(f.metadata),
      ]);
      if (fileRows.length > 0) {
        if (rows.length > 0) process.stdout.write('\n');
        process.stdout.write(
          `${formatTable(['name', 'type', 'architecture', 'dtype', 'size', 'notes'], fileRows)}\n`,
        );
      }
    });
}
