// The project's dependency rules (.dependency-cruiser.cjs, `npm run depcheck`) run by
// dependency-cruiser on two tiny trees laid out like this repository: one that keeps every rule
// (must pass) and one that breaks each rule once (each must be reported, and the check must fail).
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const made: string[] = [];

/** Runs `npm run depcheck`'s command on a tree; its exit code and the rule violations it printed. */
async function cruise(files: Record<string, string>): Promise<{ code: number; violations: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'diffgraph-depcheck-'));
  made.push(dir);
  const tree = {
    'tsconfig.json': '{"compilerOptions":{"allowImportingTsExtensions":true,"noEmit":true}}',
    ...files,
  };
  for (const [path, text] of Object.entries(tree)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const areas = ['main', 'nodes', 'renderer'].filter((area) =>
    Object.keys(files).some((f) => f.startsWith(area)),
  );
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [DEPCRUISE, '--config', CONFIG, ...areas],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!/dependency violations|no dependency violations found/.test(stdout)) {
          reject(new Error(`dependency-cruiser gave no report: ${stderr || error?.message}`));
          return;
        }
        // "  error rule-name: from → to"; a cycle's "to" is its next folder, on the next line.
        const violations = [...stdout.matchAll(/^\s+(error|warn) ([\w-]+): (\S+) →\s*(\S*)/gm)].map(
          ([, severity, rule, from, to]) => `${severity} ${rule}: ${from} -> ${to}`,
        );
        resolve({ code: error ? Number(error.code) : 0, violations });
      },
    );
  });
}

afterAll(async () => {
  await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
});

const clean = {
  'nodes/api.ts': 'export const DEVICES = ["cpu"];\n',
  'nodes/sampler.ts': 'import { DEVICES } from "./api.ts";\nexport const first = DEVICES[0];\n',
  'main/engine/execute/engine.ts':
    'import { readFileSync } from "node:fs";\nimport { first } from "../../nodes/sampler.ts";\nexport type Result = { ok: boolean };\nexport const run = () => [readFileSync, first];\n',
  'main/host/core.ts': 'import { run } from "../engine/engine.ts";\nexport const core = run;\n',
  'main/host/shared/api.ts':
    'import type { Result } from "../../engine/engine.ts";\nimport { DEVICES } from "../../../nodes/api.ts";\nexport const devices = DEVICES;\nexport type Answer = Result;\n',
  'renderer/app.ts':
    'import type { Result } from "../main/engine/execute/engine.ts";\nimport { devices } from "../main/host/shared/api.ts";\nexport const show = (r: Result) => [r, devices];\n',
};

describe('dependency rules', () => {
  it('pass a tree that keeps them (type-only imports from Node-side code are allowed in the editor)', async () => {
    const { code, violations } = await cruise(clean);
    expect(violations).toEqual([]);
    expect(code).toBe(0);
  });

  it('report each broken rule and fail', async () => {
    const { code, violations } = await cruise({
      ...clean,
      'nodes/bad-loader.ts':
        'import { run } from "../main/engine/execute/engine.ts";\nexport const load = run;\n',
      'renderer/fs-reader.ts':
        'import { readFile } from "node:fs/promises";\nexport const read = readFile;\n',
      'renderer/direct.ts': 'import { core } from "../main/host/core.ts";\nexport const direct = core;\n',
      'main/host/shared/leak.ts': 'import { core } from "../core.ts";\nexport const leak = core;\n',
      'main/a/a.ts': 'import { b } from "../b/b.ts";\nexport const a = () => b;\n',
      'main/b/b.ts': 'import { a } from "../a/a.ts";\nexport const b = () => a;\n',
      'main/uses-test.ts': 'import { helper } from "../test/helper.ts";\nexport const x = helper;\n',
      'test/helper.ts': 'export const helper = 1;\n',
    });
    expect(violations).toEqual(
      expect.arrayContaining([
        'error nodes-only-use-the-node-api: nodes/bad-loader.ts -> main/engine/execute/engine.ts',
        'error browser-code-no-node-builtins: renderer/fs-reader.ts -> fs/promises',
        'error browser-code-no-node-only-main: renderer/direct.ts -> main/host/core.ts',
        'error browser-code-no-node-only-main: main/host/shared/leak.ts -> main/host/core.ts',
        'error nothing-imports-tests: main/uses-test.ts -> test/helper.ts',
      ]),
    );
    expect(violations).toContainEqual(
      expect.stringMatching(/^error no-folder-cycles: main\/(a|b) -> main\/(a|b)$/),
    );
    // The exit code counts the errors: CI fails.
    expect(code).toBe(violations.filter((line) => line.startsWith('error')).length);
    expect(code).toBeGreaterThanOrEqual(6);
  });
});
