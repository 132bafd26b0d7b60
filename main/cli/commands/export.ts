// `diffgraph export <graph> --comfy-api|--comfy-ui [--out file]`: a graph as a ComfyUI file.
import { Command } from 'commander';
import { CliError, EXIT, type ExitCode } from '../exit.ts';

const EXAMPLES = `
Examples:
  $ diffgraph export graphs/default.json --comfy-api --out prompt.json   (for ComfyUI's POST /prompt)
  $ diffgraph export graphs/default.json --comfy-ui --out workflow.json  (opens in ComfyUI's editor)

Nodes ComfyUI has no equivalent for are listed on stderr and left out; placeholders from an
import are written back as they were. Exit codes: 0 exported, 2 unreadable graph or nothing exported.`;

export function exportCommand(setExitCode: (code: ExitCode) => void): Command {
  return new Command('export')
    .description('write a graph as a ComfyUI API prompt or UI workflow')
    .argument('<graph>', 'graph file (.json) or PNG made by SaveImage')
    .option('--comfy-api', 'ComfyUI API format (POST /prompt)', false)
    .option('--comfy-ui', 'ComfyUI UI workflow (format 0.4)', false)
    .option('-o, --out <file>', 'write here instead of stdout')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, options: { comfyApi: boolean; comfyUi: boolean; out?: string }) => {
      if (options.comfyApi === options.comfyUi)
        throw new CliError(['choose one of --comfy-api or --comfy-ui']);
      const { loadAnyGraphFile } = await import('../../interop/load-graph-file.ts');
      const { defaultRegistry } = await import('../../engine/registry.ts');
      const { exportComfyApi } = await import('../../interop/comfy/export-api.ts');
      const { exportComfyUi } = await import('../../interop/comfy/export-ui.ts');
      const { writeFileAtomic } = await import('../../util/atomic-write.ts');
      const { loadProblems } = await import('../util/problems.ts');
      const { doc } = await loadAnyGraphFile(file).catch((error: unknown) => {
        throw new CliError(loadProblems(file, error));
      });
      const registry = defaultRegistry();
      const result = options.comfyApi ? exportComfyApi(doc, registry) : exportComfyUi(doc, registry);
      const body = 'prompt' in result ? result.prompt : result.workflow;
      for (const s of result.report.skipped)
        process.stderr.write(`not exported: ${s.id} (${s.type}): ${s.reason}\n`);
      for (const problem of result.report.problems) process.stderr.write(`note: ${problem}\n`);
      const text = `${JSON.stringify(body, null, 2)}\n`;
      if (options.out) await writeFileAtomic(options.out, text);
      else process.stdout.write(text);
      setExitCode(result.report.skipped.length === Object.keys(doc.nodes).length ? EXIT.badInput : EXIT.ok);
    });
}
