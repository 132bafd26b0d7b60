// Bad input is found before anything runs: exit 2, one line per problem naming file, node and
// widget, and nothing written to the output folder.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHS_DIR, runCli, SLOW_TEST_MS, tempDir } from './harness.ts';

const TINY = join(GRAPHS_DIR, 'tiny-txt2img.json');

let temp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  temp = await tempDir('bad-input');
});
afterAll(() => temp.remove());

/** Runs `diffgraph run` and checks the common contract of bad input: exit 2, no output folder. */
async function rejected(args: string[]): Promise<string[]> {
  const out = join(temp.dir, 'never-created');
  const result = await runCli(['run', ...args, '--out', out]);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(existsSync(out)).toBe(false);
  return result.stderr.split('\n').filter((line) => line.startsWith('diffgraph: '));
}

interface EditableGraph {
  nodes: Record<string, { type: string; widgets: Record<string, unknown>; position: [number, number] }>;
  edges: { from: [string, string]; to: [string, string] }[];
}

/** The tiny graph with `edit` applied, written to a temp file. */
async function variant(name: string, edit: (graph: EditableGraph) => void): Promise<string> {
  const graph = JSON.parse(await readFile(TINY, 'utf8')) as EditableGraph;
  edit(graph);
  const path = join(temp.dir, `${name}.json`);
  await writeFile(path, JSON.stringify(graph));
  return path;
}

describe('diffgraph run: bad input (exit 2, nothing runs)', { timeout: SLOW_TEST_MS }, () => {
  it('a missing file', async () => {
    const missing = join(temp.dir, 'missing.json');
    expect(await rejected([missing])).toEqual([`diffgraph: ${missing}: file not found`]);
  });

  it('a file that is not JSON', async () => {
    const path = join(temp.dir, 'not-json.json');
    await writeFile(path, '{"format": "diffgraph",');
    const lines = await rejected([path]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^diffgraph: ${path}: not valid JSON`));
  });

  it('an invalid graph: every problem, one line each, starting with the node id and naming the file', async () => {
    const path = await variant('invalid', (graph) => {
      graph.nodes.sampler.widgets.cfg = 'high';
      graph.nodes.schedule.widgets.steps = 0;
      graph.nodes.decode.type = 'NoSuchNode';
    });
    const lines = await rejected([path]);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^diffgraph: sampler\\.cfg: .*\\(${path}\\)$`)),
        expect.stringMatching(new RegExp(`^diffgraph: schedule\\.steps: .*\\(${path}\\)$`)),
        expect.stringMatching(new RegExp(`^diffgraph: decode: .*NoSuchNode.*\\(${path}\\)$`)),
      ]),
    );
  });

  it('--set naming a node the graph does not have', async () => {
    const lines = await rejected([TINY, '--set', 'sampling.steps=3']);
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^diffgraph: ${TINY}: --set sampling\\.steps: no node "sampling"`)),
    ]);
  });

  it('--set naming a widget the node does not have (the message lists its widgets)', async () => {
    const [line, ...rest] = await rejected([TINY, '--set', 'sampler.steps=3']);
    expect(rest).toEqual([]);
    expect(line).toContain(`${TINY}: --set sampler.steps: node "sampler" (Sampler) has no widget "steps"`);
    expect(line).toContain('cfg');
  });

  it('--set with a value of the wrong type, or out of range, or not among the choices', async () => {
    const lines = await rejected([
      TINY,
      '--set',
      'schedule.steps=many',
      '--set',
      'sampler.cfg=1000',
      '--set',
      'sampler.sampler=fastest',
      '--set',
      'sampler.add_noise=maybe',
    ]);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /--set schedule\.steps: widget "steps" \(int\): expected a whole number, got "many"/,
    );
    expect(lines[1]).toMatch(/--set sampler\.cfg: widget "cfg" \(float\): 1000 is above the maximum 100/);
    expect(lines[2]).toMatch(/--set sampler\.sampler: widget "sampler" \(enum\): expected one of euler/);
    expect(lines[3]).toMatch(
      /--set sampler\.add_noise: widget "add_noise" \(boolean\): expected true or false/,
    );
    for (const line of lines) expect(line).toContain(TINY);
  });

  it('--set or --seeds on a widget fed by a wire', async () => {
    const path = await variant('wired-seed', (graph) => {
      graph.nodes.seedValue = { type: 'Int', widgets: { value: 5 }, position: [0, 0] };
      graph.edges.push({ from: ['seedValue', 'int'], to: ['sampler', 'seed'] });
    });
    const lines = await rejected([path, '--set', 'sampler.seed=3']);
    expect(lines).toEqual([expect.stringContaining('fed by a wire from node "seedValue"')]);
    // --seeds has nothing to set when the only seed widget is wired.
    const seeds = await rejected([path, '--seeds', '1-2']);
    expect(seeds).toEqual([expect.stringMatching(/--seed\/--seeds: the graph has no seed widget to set/)]);
  });

  it('--set, --seeds and --device that are malformed', async () => {
    for (const args of [
      ['--set', 'sampler.cfg'],
      ['--seeds', '5-1'],
      ['--seeds', '1,x'],
      ['--seed', '-3'],
      ['--repeat', '0'],
      ['--device', 'tpu'],
    ]) {
      const out = join(temp.dir, 'never-created');
      const result = await runCli(['run', TINY, ...args, '--out', out]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(args[0]);
      expect(existsSync(out)).toBe(false);
    }
  });

  it('reports the problems of every file at once', async () => {
    const missing = join(temp.dir, 'absent.json');
    const lines = await rejected([missing, TINY, '--set', 'sampler.cfg=x']);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(missing);
    expect(lines[1]).toContain(`${TINY}: --set sampler.cfg`);
  });
});
