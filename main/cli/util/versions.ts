// Versions of diffgraph and the packages it runs on, read from their package.json files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { APP_ROOT } from '../../paths.ts';

const require = createRequire(import.meta.url);

function readVersion(packageJson: string): string | null {
  try {
    return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

export function packageVersion(): string {
  return readVersion(join(APP_ROOT, 'package.json')) ?? '0.0.0';
}

/** Installed version of a dependency, or null when it is not installed. */
export function dependencyVersion(name: string): string | null {
  try {
    return readVersion(join(dirname(require.resolve(`${name}/package.json`)), 'package.json'));
  } catch {
    return readVersion(join(APP_ROOT, 'node_modules', name, 'package.json'));
  }
}
