// The `diffgraph` command line (bin/diffgraph.mjs imports this). One file per command in commands/.
import { Command, CommanderError } from 'commander';
import { farmCommand } from './commands/farm.ts';
import { infoCommand } from './commands/info.ts';
import { modelsCommand } from './commands/models.ts';
import { nodesCommand } from './commands/nodes.ts';
import { runCommand } from './commands/run.ts';
import { serveCommand } from './commands/serve.ts';
import { tokenizeCommand } from './commands/tokenize.ts';
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
    );
  for (const command of [
    runCommand(setExitCode),
    validateCommand(setExitCode),
    nodesCommand(),
    modelsCommand(),
    infoCommand(),
    tokenizeCommand(),
    serveCommand(),
    workerCommand(),
    farmCommand(setExitCode),
  ]) {
    program.addCommand(command);
  }
  // Usage errors (unknown option, bad value) are bad input: exit 2 like other bad input.
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
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
      for (const line of error.lines) process.stderr.write(`diffgraph: ${line}\n`);
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
