// `diffgraph nodes` and `diffgraph validate` build the node catalogue without loading ONNX Runtime
// or sharp: run them (and a plain import of the catalogue) in a child process in which loading
// either module throws. The same process is first shown to fail when a module does load sharp.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..', '..');
const BLOCK = join(ROOT, 'test', 'fixtures', 'native-block', 'register.mjs');
const CLI = join(ROOT, 'bin', 'diffgraph.mjs');

function blocked(args: string[]) {
  return run(process.execPath, ['--import', BLOCK, ...args], { cwd: ROOT, timeout: 60_000 });
}

const importing = (module: string, body: string) => [
  '--import',
  'tsx/esm',
  '--input-type=module',
  '-e',
  `const m = await import(${JSON.stringify(join(ROOT, module))}); ${body}`,
];

describe('commands that do not run graphs load no native module', () => {
  it('the blocking process does refuse sharp and onnxruntime-node', async () => {
    await expect(blocked(importing('main/runtime/image-io.ts', ''))).rejects.toThrow(/blocked.*sharp/);
    await expect(blocked(importing('main/runtime/session-pool.ts', ''))).rejects.toThrow(
      /blocked.*onnxruntime/,
    );
  });

  it('imports the catalogue and describes every node', async () => {
    const { stdout } = await blocked(
      importing('nodes/index.ts', 'console.log(m.builtinNodes().map((n) => n.type).join(","));'),
    );
    expect(stdout.split(',')).toEqual(expect.arrayContaining(['LoadPipeline', 'LoadImage', 'SaveImage']));
  });

  it('diffgraph nodes and diffgraph validate graphs/default.json', async () => {
    const nodes = await blocked([CLI, 'nodes', '--json']);
    expect(JSON.parse(nodes.stdout).map((n: { type: string }) => n.type)).toContain('Sampler');
    const validate = await blocked([CLI, 'validate', 'graphs/default.json']);
    expect(validate.stdout).toContain('graphs/default.json: valid');
  });
});
