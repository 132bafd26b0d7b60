// `diffgraph import <file> --out graph.json`: a ComfyUI workflow / API prompt (JSON, PNG or WebP) or an
// A1111 PNG converted to a Diffgraph graph, with a report of what did not carry over.
import { Command } from 'commander';
import { CliError, EXIT, type ExitCode } from '../exit.ts';

const EXAMPLES = `
Examples:
  $ diffgraph import my_workflow.json --out graph.json     (ComfyUI UI or API format)
  $ diffgraph import ComfyUI_00001_.png --out graph.json   (the workflow a ComfyUI PNG or WebP carries)
  $ diffgraph import 00012-1234.png --out graph.json       (A1111 / Forge generation parameters)

A checkpoint not found under its name is looked for by the hash the file records (A1111's
"Model hash", a ComfyUI workflow's sha256) in the models folders; the report says which file matched.
Nodes with no Diffgraph equivalent are kept as "comfy:<class>" placeholders and listed with the
reason; exporting back to ComfyUI writes them unchanged.
Exit codes: 0 imported (placeholders included), 2 unreadable or not a ComfyUI/A1111 file.`;

export function importCommand(setExitCode: (code: ExitCode) => void): Command {
  return new Command('import')
    .description('convert a ComfyUI workflow or a ComfyUI/A1111 PNG into a Diffgraph graph')
    .argument('<file>', 'ComfyUI workflow or prompt (.json), a PNG from ComfyUI or A1111, or a ComfyUI WebP')
    .requiredOption('-o, --out <graph.json>', 'where to write the Diffgraph graph')
    .option(
      '--models <dir>',
      'models folder where unmatched models are looked for by hash (default: $DIFFGRAPH_MODELS or ~/Diffgraph/models)',
    )
    .option('--json', 'print the report as JSON', false)
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, options: { out: string; json: boolean; models?: string }) => {
      const { readFile } = await import('node:fs/promises');
      const { importForeignFile } = await import('../../interop/foreign-load.ts');
      const { formatImportReport } = await import('../../interop/import-file.ts');
      const { parseGraphJson, saveGraphFile } = await import('../../graph/load.ts');
      const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new CliError([`${file}: ${error.code === 'ENOENT' ? 'file not found' : error.message}`]);
      });
      const imported = importForeignFile(bytes, file);
      if (!imported)
        throw new CliError([`${file}: not a ComfyUI workflow or prompt, nor a ComfyUI/A1111 PNG`]);
      if ('error' in imported) throw new CliError([`${file}: ${imported.error}`]);
      const { matchImportedModels } = await import('../../interop/model-match.ts');
      const { modelSearchPath, resolveCliPaths } = await import('../util/paths.ts');
      await matchImportedModels(imported, modelSearchPath(resolveCliPaths({ models: options.models })));
      let doc: ReturnType<typeof parseGraphJson>['doc'];
      try {
        doc = parseGraphJson(JSON.stringify(imported.doc), file).doc;
      } catch (error) {
        throw new CliError([(error as Error).message]);
      }
      await saveGraphFile(options.out, doc);
      if (options.json) process.stdout.write(`${JSON.stringify(imported.report)}\n`);
      else for (const line of formatImportReport(imported.report)) process.stdout.write(`${line}\n`);
      process.stdout.write(`wrote ${options.out}\n`);
      setExitCode(EXIT.ok);
    });
}
