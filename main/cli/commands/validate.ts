// `diffgraph validate <graph>`: every problem, one line each starting with the node id.
import { Command } from 'commander';
import { CliError, EXIT, type ExitCode } from '../exit.ts';

const EXAMPLES = `
Examples:
  $ diffgraph validate graphs/default.json
  $ diffgraph validate output/img_00001.png     (checks the graph a SaveImage PNG carries)
  $ diffgraph validate graph.json --json        (problems as a JSON array)

Exit codes: 0 valid, 2 invalid, unreadable or not JSON.`;

export function validateCommand(setExitCode: (code: ExitCode) => void): Command {
  return new Command('validate')
    .description('check a graph file: node types, wires, socket types, widget values, cycles')
    .argument(
      '<graph>',
      'graph file (.json) or PNG made by SaveImage; ComfyUI workflows and ComfyUI/A1111 PNGs are imported',
    )
    .option('--json', 'print the problems as a JSON array', false)
    .option(
      '--models <dir>',
      'models folder, for checks against the models (default: $DIFFGRAPH_MODELS or ~/Diffgraph/models)',
    )
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, options: { json: boolean; models?: string }) => {
      const {
        createRuntimeServices,
        defaultRegistry,
        formatImportReport,
        formatProblem,
        loadAnyGraphFile,
        loadProblems,
        loraFitProblems,
        modelSearchPath,
        modelShapeProblems,
        resolveCliPaths,
        validateGraph,
      } = await import('./validate-deps.ts');
      const paths = resolveCliPaths(options);
      const searchPath = modelSearchPath(paths);
      let loaded: Awaited<ReturnType<typeof loadAnyGraphFile>>;
      try {
        // Models an imported file names are matched by name and hash, as `diffgraph run` does.
        loaded = await loadAnyGraphFile(file, searchPath);
      } catch (error) {
        throw new CliError(loadProblems(file, error));
      }
      if (loaded.importReport && !options.json) {
        for (const line of formatImportReport(loaded.importReport)) process.stderr.write(`${line}\n`);
      }
      const registry = defaultRegistry();
      const problems = [...loaded.problems, ...validateGraph(loaded.doc, registry)];
      if (problems.length === 0) {
        // Sizes a model cannot take (fixed ONNX input shapes) and LoRAs that do not fit their checkpoint (headers only).
        const runtime = createRuntimeServices({ paths, modelSearchPath: searchPath });
        problems.push(...(await modelShapeProblems(loaded.doc, registry, runtime)));
        problems.push(...(await loraFitProblems(loaded.doc, runtime)));
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(problems)}\n`);
      } else {
        for (const problem of problems) process.stdout.write(`${formatProblem(problem)}\n`);
        const verdict = problems.length === 0 ? 'valid' : `${problems.length} problem(s)`;
        process.stdout.write(`${file}: ${verdict}\n`);
      }
      setExitCode(problems.length === 0 ? EXIT.ok : EXIT.badInput);
    });
}
