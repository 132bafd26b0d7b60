// Graph files named on the command line: `diffgraph-app graph.json`, a file the OS opens with the
// app (file association), or the argv a second instance forwards. Electron's own flags, the
// executable and (in development) the app folder are skipped.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ArgvOptions {
  /** The working directory the arguments are relative to (a second instance sends its own). */
  cwd: string;
  /** True when running unpackaged (`electron .`): argv[1] is then the app folder. */
  defaultApp: boolean;
}

const GRAPH_EXTENSIONS = ['.json'];

export function graphPathsFromArgv(argv: readonly string[], options: ArgvOptions): string[] {
  const args = argv.slice(options.defaultApp ? 2 : 1);
  const paths: string[] = [];
  let afterDoubleDash = false;
  for (const arg of args) {
    if (!afterDoubleDash && arg === '--') {
      afterDoubleDash = true;
      continue;
    }
    if (!afterDoubleDash && arg.startsWith('-')) continue;
    const path = fileUrlToPath(arg) ?? arg;
    if (!GRAPH_EXTENSIONS.some((ext) => path.toLowerCase().endsWith(ext))) continue;
    const absolute = isAbsolute(path) ? resolve(path) : resolve(options.cwd, path);
    if (!paths.includes(absolute)) paths.push(absolute);
  }
  return paths;
}

/** macOS and some Linux file managers hand over file:// URLs. */
function fileUrlToPath(arg: string): string | null {
  if (!arg.startsWith('file://')) return null;
  try {
    return fileURLToPath(arg);
  } catch {
    return null;
  }
}
