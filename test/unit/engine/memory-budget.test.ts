// Regression: 8192×8192 × batch 64 passed validation and grew to 10 GB before
// the process died. Such a run is now refused by validation and by the engine before any node
// runs, with the estimate and the budget named.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateGraph } from '../../../main/engine/compile/validate.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import {
  checkMemoryBudget,
  estimateTensorBytes,
  MEMORY_BUDGET_ENV,
  memoryBudgetBytes,
  parseByteSize,
} from '../../../main/engine/memory-budget.ts';
import { defaultRegistry } from '../../../main/engine/registry.ts';
import type { GraphDocument } from '../../../main/graph/schema.ts';
import { APP_ROOT } from '../../../main/paths.ts';
import { silentLogger, testRuntime } from './test-nodes.ts';

const registry = defaultRegistry();
const GIB = 2 ** 30;

function txt2img(width: number, height: number, batch: number): GraphDocument {
  const doc = JSON.parse(readFileSync(join(APP_ROOT, 'graphs', 'default.json'), 'utf8')) as GraphDocument;
  Object.assign(doc.nodes.latent.widgets, { width, height, batch });
  return doc;
}

afterEach(() => {
  delete process.env[MEMORY_BUDGET_ENV];
});

describe('memory budget', () => {
  it('parses sizes with binary units and refuses nonsense', () => {
    expect(parseByteSize('8G')).toBe(8 * GIB);
    expect(parseByteSize('512MiB')).toBe(512 * 2 ** 20);
    expect(parseByteSize('1.5g')).toBe(1.5 * GIB);
    expect(parseByteSize('1000')).toBe(1000);
    expect(() => parseByteSize('lots')).toThrow(/expected a size such as 8G/);
    expect(() => parseByteSize('0')).toThrow(/expected a size/);
  });

  it('reads the budget from the environment, else half the machine', () => {
    process.env[MEMORY_BUDGET_ENV] = '3G';
    expect(memoryBudgetBytes()).toBe(3 * GIB);
    delete process.env[MEMORY_BUDGET_ENV];
    expect(memoryBudgetBytes()).toBeGreaterThan(0);
  });

  it('estimates from the latent size: 8 float32 latent copies plus 2 decoded float32 images', () => {
    // 512×512 × 1: latent 1×4×64×64×4 B = 64 KiB; image 1×3×512×512×4 B = 3 MiB.
    const [estimate] = estimateTensorBytes(txt2img(512, 512, 1), registry);
    expect(estimate).toMatchObject({ nodeId: 'latent', bytes: 8 * 65536 + 2 * 3 * 2 ** 20 });
  });

  it('validation refuses 8192² × 64 against the default budget, naming both numbers', () => {
    // 8 × 1 GiB of latents + 2 × 48 GiB of images = 104 GiB, beyond half of any test machine.
    const problems = validateGraph(txt2img(8192, 8192, 64), registry);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ nodeId: 'latent', code: 'memory-budget' });
    expect(problems[0].message).toMatch(
      /needs about 104\.0 GiB of tensors but the memory budget is \d+\.\d GiB/,
    );
    expect(problems[0].message).toContain('64 × 4 × 8192×8192');
    expect(validateGraph(txt2img(512, 512, 1), registry)).toEqual([]);
  });

  it('counts a size wired from an Int node with that node’s value', () => {
    const doc = txt2img(512, 512, 1);
    doc.nodes.size = { type: 'Int', widgets: { value: 8192 } };
    doc.nodes.count = { type: 'Int', widgets: { value: 64 } };
    doc.edges.push(
      { from: ['size', 'int'], to: ['latent', 'width'] },
      { from: ['size', 'int'], to: ['latent', 'height'] },
    );
    doc.edges.push({ from: ['count', 'int'], to: ['latent', 'batch'] });
    expect(validateGraph(doc, registry)[0]).toMatchObject({ nodeId: 'latent', code: 'memory-budget' });
  });

  it('a configured budget applies to validation', () => {
    expect(checkMemoryBudget(txt2img(512, 512, 4), registry, 10 * 2 ** 20)).toHaveLength(1);
    process.env[MEMORY_BUDGET_ENV] = '1M';
    expect(validateGraph(txt2img(512, 512, 1), registry)[0]?.code).toBe('memory-budget');
  });

  it('the engine refuses the run before any node runs or allocates', async () => {
    const engine = new Engine({ registry, runtime: testRuntime(), logger: silentLogger });
    const before = process.memoryUsage().arrayBuffers;
    const events: string[] = [];
    const result = await engine.run(txt2img(8192, 8192, 64), { onEvent: (event) => events.push(event.type) });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/memory budget/);
    expect(events).toEqual(['run-failed']);
    // The 1 GiB latent was never allocated.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
  });
});
