#!/usr/bin/env node
// `npm run bench`: every benchmark in turn, each in its own process so one's warm caches do
// not flatter the next. Pass names to run a subset: `npm run bench -- engine sampler`; options
// (`--small`) go to every selected bench.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCHES = [
  'engine',
  'sampler',
  'txt2img',
  'cli',
  'cold-start',
  'editor',
  'checkpoint',
  'checkpoint-load',
  'farm',
  'sdxl',
  'train',
  'eval',
];
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const options = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const selected = wanted.length > 0 ? BENCHES.filter((name) => wanted.includes(name)) : BENCHES;

let failed = 0;
for (const name of selected) {
  console.log(`\n=== bench/${name}.ts ===`);
  const result = spawnSync(
    process.execPath,
    [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'bench', `${name}.ts`), ...options],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) {
    failed += 1;
    console.log(`bench/${name}.ts exited with ${result.status ?? result.signal}`);
  }
}
process.exit(failed > 0 ? 1 : 0);
