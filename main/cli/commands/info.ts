// `diffgraph info`: versions, the devices ONNX Runtime offers here, and which one `auto` picks.
import { Command } from 'commander';
import { modelSearchPath, resolveCliPaths } from '../util/paths.ts';
import { dependencyVersion, packageVersion } from '../util/versions.ts';

const EXAMPLES = `
Examples:
  $ diffgraph info
  $ diffgraph info --json`;

export function infoCommand(): Command {
  return new Command('info')
    .description('show versions, available devices and which device `auto` picks')
    .option('--json', 'print as JSON', false)
    .addHelpText('after', EXAMPLES)
    .action(async (options: { json: boolean }) => {
      const { availableDevices } = await import('../../runtime/index.ts');
      const { devices, auto } = await availableDevices();
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
        modelSearchPath: modelSearchPath(resolveCliPaths({})),
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
  return `${lines.join('\n')}\n`;
}
