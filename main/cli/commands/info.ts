// `diffgraph info`: versions, the devices ONNX Runtime offers here, which one `auto` picks, the
// build cache with its bytes and (--server) the models a running server holds.
import { Command } from 'commander';
import { modelSearchPath, resolveCliPaths } from '../util/paths.ts';
import { dependencyVersion, packageVersion } from '../util/versions.ts';
import { describeModels, type ModelsInfo, modelsInfo } from './info-models.ts';

const EXAMPLES = `
Examples:
  $ diffgraph info
  $ diffgraph info --json
  $ diffgraph info --server http://127.0.0.1:8188/   # also the models that server holds in memory`;

export function infoCommand(): Command {
  return new Command('info')
    .description('show versions, available devices and which device `auto` picks')
    .option('--json', 'print as JSON', false)
    .option('--server <url>', 'also list the models a running `diffgraph serve` holds in memory')
    .option('--token <token>', "the server's access token (needed beyond loopback)")
    .addHelpText('after', EXAMPLES)
    .action(async (options: { json: boolean; server?: string; token?: string }) => {
      const { availableDevices } = await import('../../runtime/index.ts');
      const { devices, auto } = await availableDevices();
      const paths = resolveCliPaths({});
      const server = options.server ? { url: options.server, token: options.token } : undefined;
      const info = {
        versions: {
          diffgraph: packageVersion(),
          node: process.versions.node,
          onnxruntime: dependencyVersion('onnxruntime-node'),
          // The CLI never starts Electron; this is the version the desktop app is built with.
          electron: dependencyVersion('electron'),
        },
        platform: `${process.platform}-${process.arch}`,
        devices,
        auto,
        modelSearchPath: modelSearchPath(paths),
        models: await modelsInfo(paths.models, server),
      };
      process.stdout.write(options.json ? `${JSON.stringify(info, null, 2)}\n` : describe(info));
    });
}

function describe(info: {
  versions: Record<string, string | null>;
  platform: string;
  devices: { name: string; available: boolean; detail: string }[];
  auto: string;
  modelSearchPath: string[];
  models: ModelsInfo;
}): string {
  const lines = Object.entries(info.versions).map(([name, version]) => {
    const note = name === 'electron' ? ' (desktop app only; not used by the CLI)' : '';
    return `${name.padEnd(12)} ${version ?? 'not installed'}${note}`;
  });
  lines.push(`${'platform'.padEnd(12)} ${info.platform}`, '', 'devices:');
  for (const device of info.devices) {
    const mark = device.available ? 'yes' : 'no ';
    const chosen = device.name === info.auto ? '  <- auto' : '';
    lines.push(`  ${device.name.padEnd(7)} ${mark}  ${device.detail}${chosen}`);
  }
  lines.push('', `auto picks: ${info.auto}`, `models:     ${info.modelSearchPath.join(', ')}`);
  lines.push(...describeModels(info.models));
  return `${lines.join('\n')}\n`;
}
