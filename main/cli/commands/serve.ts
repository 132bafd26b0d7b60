// `diffgraph serve`: the editor and HostApi over HTTP + WebSocket (loopback only unless --host).
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { DEVICE_NAMES, type DeviceName } from '../../../nodes/api.ts';
import { defaultPaths } from '../../paths.ts';
import { CliError } from '../exit.ts';
import { parseCount } from '../run/seeds.ts';
import { resolveCliPaths } from '../util/paths.ts';

const EXAMPLES = `
Examples:
  $ diffgraph serve                         (http://127.0.0.1:8188, this machine only)
  $ diffgraph serve --port 9000 --models ~/sd-models
  $ diffgraph serve --host 0.0.0.0          (other machines: needs the printed access token)
  $ diffgraph serve --redis redis://farm-host:6379   (runs go to the render farm)

Any host other than loopback requires the access token on every request ($DIFFGRAPH_TOKEN, else a random one).`;

interface ServeOptions {
  port: number;
  host: string;
  models?: string;
  out?: string;
  device: DeviceName;
  redis?: string;
  queue: string;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the editor and its API over HTTP + WebSocket')
    .option('--port <n>', 'port to listen on (0 picks a free one)', parseCount(0), 8188)
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--models <dir>', 'models folder (default: $DIFFGRAPH_MODELS or ~/Diffgraph/models)')
    .option('--out <dir>', 'output folder (default: ~/Diffgraph/output)')
    .addOption(new Option('--device <name>', 'inference device').choices(DEVICE_NAMES).default('auto'))
    .option('--redis <url>', "send the editor's runs to a render farm on this Redis (see `diffgraph worker`)")
    .option('--queue <name>', 'farm name (with --redis)', 'default')
    .addHelpText('after', EXAMPLES)
    .action(async (options: ServeOptions, command: Command) => {
      // A weak DIFFGRAPH_TOKEN is refused before anything starts (bad input: exit 2, no stack trace).
      const { weakTokenProblem } = await import('../../server/guard.ts');
      const weak = process.env.DIFFGRAPH_TOKEN ? weakTokenProblem(process.env.DIFFGRAPH_TOKEN) : null;
      if (weak !== null) throw new CliError([`DIFFGRAPH_TOKEN: ${weak}`]);
      // Loaded on demand: the server pulls in HTTP/WebSocket code no other command needs.
      const { startServer } = await import('../../server/server.ts');
      const { ensureEditorBuilt, editorIsBuilt } = await import('../../server/editor-build.ts');
      if (!(await editorIsBuilt()))
        process.stderr.write('Building the editor (first start or after an update)…\n');
      await ensureEditorBuilt();
      const defaults = defaultPaths();
      const cli = resolveCliPaths({ models: options.models, out: options.out ?? defaults.output });
      const paths = { ...defaults, models: cli.models, output: cli.output };
      // The server makes up a token for a non-loopback host unless DIFFGRAPH_TOKEN gives one.
      const token = process.env.DIFFGRAPH_TOKEN || undefined;
      const engine = options.redis
        ? await (await import('../farm/farm-engine.ts')).startFarmEngine({
            ...options,
            redis: options.redis,
            paths,
          })
        : undefined;
      const server = await startServer({
        host: options.host,
        port: options.port,
        token,
        paths,
        device: options.device,
        engine,
        // The editor's settings panel changes these unless the command line gave them.
        settingsDir: dirname(defaults.graphs),
        fixedSettings: {
          modelsDir: options.models !== undefined || process.env.DIFFGRAPH_MODELS !== undefined,
          device: command.getOptionValueSource('device') === 'cli',
        },
      });
      process.stdout.write(`Diffgraph is serving ${server.url}\n`);
      if (server.token) {
        process.stdout.write(`Access token (required on every request): ${server.token}\n`);
        process.stdout.write(`Open in a browser: ${server.openUrl}\n`);
      }
      process.stderr.write('Press Ctrl-C to stop.\n');
      await untilInterrupted();
      await server.close();
    });
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
