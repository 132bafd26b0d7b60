// The `diffgraph` command line (bin/diffgraph.mjs imports this). One file per command in commands/.
import { Command, CommanderError } from 'commander';
import { MEMORY_BUDGET_ENV, parseByteSize } from '../engine/memory-budget.ts';
import { terminalSafe } from '../util/terminal-safe.ts';
import { convertCommand } from './commands/convert.ts';
import { evalCommand } from './commands/eval.ts';
import { exportCommand } from './commands/export.ts';
import { farmCommand } from './commands/farm.ts';
import { importCommand } from './commands/import.ts';
import { infoCommand } from './commands/info.ts';
import { modelsCommand } from './commands/models.ts';
import { nodesCommand } from './commands/nodes.ts';
import { runCommand } from './commands/run.ts';
import { scoreCommand } from './commands/score.ts';
import { serveCommand } from './commands/serve.ts';
import { tokenizeCommand } from './commands/tokenize.ts';
import { trainCommand } from './commands/train.ts';
import { validateCommand } from './commands/validate.ts';
import { workerCommand } from './commands/worker.ts';
import { CliError, EXIT, type ExitCode } from './exit.ts';
import { packageVersion } from './util/versions.ts';

function buildProgram(setExitCode: (code: ExitCode) => void): Command {
  const program = new Command('diffgraph')
    .description('Build and run diffusion pipelines as node graphs, on ONNX Runtime')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(add --help for usage and examples)')
    .addHelpText(
      'after',
      `
Examples:
  $ diffgraph run graphs/default.json --seeds 1-4
  $ diffgraph validate my-graph.json
  $ diffgraph nodes --json
  $ diffgraph serve --port 8188`,
    )
    .option(
      '--memory-budget <size>',
      `refuse runs whose tensors need more than this (e.g. 8G; default half of RAM; env ${MEMORY_BUDGET_ENV})`,
    );
  // The engine (a worker thread) reads the budget from the environment it inherits.
  program.hook('preAction', () => {
    const budget = program.opts<{ memoryBudget?: string }>().memoryBudget;
    if (budget === undefined) return;
    try {
      parseByteSize(budget);
    } catch (error) {
      throw new CliError([(error as Error).message]);
    }
    process.env[MEMORY_BUDGET_ENV] = budget;
  });
  for (const command of [
    runCommand(setExitCode),
    validateCommand(setExitCode),
    importCommand(setExitCode),
    exportCommand(setExitCode),
    nodesCommand(),
    modelsCommand(),
    convertCommand(),
    infoCommand(),
    tokenizeCommand(),
    serveCommand(),
    scoreCommand(),
    evalCommand(),
    trainCommand(),
    workerCommand(),
    farmCommand(setExitCode),
  ]) {
    program.addCommand(command);
  }
  // Usage errors (unknown option, bad value) are bad input: exit 2 like other bad input.
  program.exitOverride();
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

async function main(argv: string[]): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with exitCode 0; every usage error was already printed by commander.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (error instanceof CliError) {
      for (const line of error.lines) process.stderr.write(`diffgraph: ${terminalSafe(line)}\n`);
      return error.code;
    }
    process.stderr.write(
      `diffgraph: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT.failed;
  }
}

const code = await main(process.argv);
// Exit explicitly (a stray handle must not keep a finished batch alive), once stdout has drained.
process.stdout.write('', () => process.exit(code));
