// Broken ComfyUI files give a report or a clear error, never a crash or a hang.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../../main/engine/compile/validate.ts';
import { defaultRegistry } from '../../../main/engine/registry.ts';
import { GraphLoadError } from '../../../main/graph/load.ts';
import { importApiPrompt } from '../../../main/interop/comfy/api-format.ts';
import { importUiWorkflow } from '../../../main/interop/comfy/ui-format.ts';
import { loadAnyGraphFile as loadGraphFile } from '../../../main/interop/load-graph-file.ts';
import { fixture } from './helpers.ts';

type UiNode = { id: number; widgets_values?: unknown; inputs?: { link: number | null }[] };

function defaultWith(change: (nodes: UiNode[], workflow: Record<string, unknown>) => void) {
  const workflow = fixture('default-ui-0.4.json');
  change(workflow.nodes as UiNode[], workflow);
  return importUiWorkflow(workflow);
}
const nodeOf = (nodes: UiNode[], id: number) => nodes.find((n) => n.id === id) as UiNode;

describe('malformed ComfyUI workflows', () => {
  it('reports links to missing nodes and missing link ids', () => {
    const missingNode = importApiPrompt({
      '1': { class_type: 'VAEDecode', inputs: { samples: ['99', 0], vae: ['98', 2] } },
    });
    expect(missingNode.report.warnings).toEqual([
      'node 1 input "samples" links to node 99, which does not exist',
      'node 1 input "vae" links to node 98, which does not exist',
    ]);
    expect(missingNode.doc.edges).toEqual([]);
    const missingLink = defaultWith((nodes) => {
      (nodeOf(nodes, 8).inputs as { link: number }[])[0].link = 4242;
    });
    expect(missingLink.report.warnings).toContain(
      'node 8 input "samples" names link 4242, which does not exist',
    );
  });

  it('reports widgets_values that are too short (placeholder) or too long (extra ignored)', () => {
    const short = defaultWith((nodes) => {
      nodeOf(nodes, 3).widgets_values = [1, 'fixed', 20];
    });
    expect(short.doc.nodes['3'].type).toBe('comfy:KSampler');
    expect(short.report.unmapped[0].reason).toBe(
      "widgets_values has 3 value(s), ComfyUI's KSampler has 7 (seed, control_after_generate, steps, cfg, sampler_name, scheduler, denoise)",
    );
    const long = defaultWith((nodes) => {
      nodeOf(nodes, 5).widgets_values = [128, 128, 1, 'surplus'];
    });
    expect(long.doc.nodes['5'].type).toBe('EmptyLatent');
    expect(long.report.warnings[0]).toMatch(/^node 5 \(EmptyLatentImage\): widgets_values has 4 value\(s\)/);
  });

  it('reports values of the wrong type and entries of the wrong shape', () => {
    const wrong = defaultWith((nodes, workflow) => {
      nodeOf(nodes, 3).widgets_values = ['seven', 'fixed', 20, 8, 'euler', 'normal', 1];
      nodeOf(nodes, 5).widgets_values = 'not a list';
      (workflow.links as unknown[]).push('garbage', null);
      (workflow.nodes as unknown[]).push(null, 7);
    });
    const reasons = Object.fromEntries(wrong.report.unmapped.map((u) => [u.id, u.reason]));
    expect(reasons['3']).toBe('widget "seed" should be a number, got "seven"');
    expect(reasons['5']).toBe('widgets_values should be a list, got string');
    expect(wrong.report.warnings.filter((w) => w.includes('malformed'))).toHaveLength(2);
    const api = importApiPrompt({ '1': { class_type: 'SaveImage', inputs: 'images' } } as never);
    expect(api.report.warnings).toEqual(['node 1 (SaveImage): has no "inputs" object']);
  });

  it('imports a cycle, which validation then reports', () => {
    const { doc } = importApiPrompt({
      a: { class_type: 'VAEDecode', inputs: { samples: ['b', 0], vae: ['c', 2] } },
      b: { class_type: 'VAEEncode', inputs: { pixels: ['a', 0], vae: ['c', 2] } },
      c: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'diffgraph-shapes' } },
      d: { class_type: 'SaveImage', inputs: { filename_prefix: 'x', images: ['a', 0] } },
    });
    const problems = validateGraph(doc, defaultRegistry());
    expect(problems.some((p) => p.code === 'cycle')).toBe(true);
  });
});

describe('malformed files through loadGraphFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-malformed-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('refuses 10 MB of nested JSON with a clear error', async () => {
    const depth = 5 * 1024 * 1024;
    for (const text of [
      '['.repeat(depth) + ']'.repeat(depth),
      `${'{"a":'.repeat(depth / 5)}1${'}'.repeat(depth / 5)}`,
    ]) {
      const error = await loadGraphFile(write('nested.json', text)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GraphLoadError);
    }
  });

  it('refuses a workflow whose widget values nest 10 MB deep, naming the file', async () => {
    const deep = '['.repeat(5_000_000) + ']'.repeat(5_000_000);
    const text = `{"version":0.4,"links":[],"nodes":[{"id":1,"type":"Mystery","widgets_values":${deep}}]}`;
    const path = write('deep-workflow.json', text);
    const error = (await loadGraphFile(path).catch((e: unknown) => e)) as GraphLoadError;
    expect(error).toBeInstanceOf(GraphLoadError);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });
});
