// Graph files are data: through the engine, a widget naming a file outside the allowed folders is
// refused under the editor/server policy (the default) and accepted under the CLI's.
import { copyFileSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../../main/runtime/image-io.ts';
import type { ImageBatch } from '../../../nodes/types.ts';
import { ensureFixtureModels, type FixtureModels } from '../../fixtures/models.ts';
import {
  img2imgGraph,
  runGraph,
  type TestFolders,
  type TestGraph,
  tempFolders,
  testEngine,
  txt2imgGraph,
} from './graphs.ts';

let f: FixtureModels;
let folders: TestFolders;
/** A folder outside models, input and output. */
let outside: string;

function grey(size: number): ImageBatch {
  return { data: new Float32Array(size * size * 3).fill(0.5), shape: [1, size, size, 3] };
}

beforeAll(async () => {
  f = await ensureFixtureModels();
  folders = tempFolders(f.modelsDir);
  outside = mkdtempSync(join(tmpdir(), 'policy-outside-'));
  writeFileSync(join(outside, 'photo.png'), await encodePng(grey(64), 0));
  copyFileSync(f.files.unet, join(outside, 'unet.onnx'));
});

async function run(graph: TestGraph, cli = false) {
  return (await runGraph(testEngine(folders, 'cpu', cli), graph)).result;
}

/** txt2img whose MODEL comes from a LoadUNet on `file`. */
function withUnetFile(file: string): TestGraph {
  const graph = txt2imgGraph({ steps: 2 });
  graph.nodes.unet = { type: 'LoadUNet', widgets: { file, device: 'cpu' }, position: [0, 200] };
  graph.edges = graph.edges.map((e) =>
    e.from[0] === 'load' && e.from[1] === 'model' ? { ...e, from: ['unet', 'model'] } : e,
  );
  return graph;
}

describe('path policy through the engine', () => {
  it('refuses an absolute image path by default, naming the widget, path and allowed folder', async () => {
    const path = join(outside, 'photo.png');
    const result = await run(img2imgGraph(path, 0.5, { steps: 2 }));
    expect(result.status).toBe('failed');
    expect(result.error?.nodeId).toBe('image');
    expect(result.error?.message).toBe(
      `Node "image" (LoadImage) failed: image: image "${path}" is an absolute path outside the allowed folders; graphs run in the editor or server may only name files inside them (allowed folders: ${folders.input}; the diffgraph CLI also accepts absolute paths)`,
    );
  });

  it('accepts the same graph under the CLI policy', async () => {
    const result = await run(img2imgGraph(join(outside, 'photo.png'), 0.5, { steps: 2 }), true);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('done');
  });

  it('refuses an absolute model file outside the model folders by default, accepts it for the CLI', async () => {
    const path = join(outside, 'unet.onnx');
    const refused = await run(withUnetFile(path));
    expect(refused.status).toBe('failed');
    expect(refused.error?.nodeId).toBe('unet');
    expect(refused.error?.message).toContain(
      `file: U-Net file "${path}" is an absolute path outside the allowed folders`,
    );
    expect(refused.error?.message).toContain(`allowed folders: ${f.modelsDir}, `);
    expect((await run(withUnetFile(path), true)).status).toBe('done');
  });

  it('refuses ".." under either policy', async () => {
    for (const cli of [false, true]) {
      const result = await run(img2imgGraph('../outside/photo.png', 0.5, { steps: 2 }), cli);
      expect(result.error?.message).toBe(
        `Node "image" (LoadImage) failed: image: image "../outside/photo.png" leaves its folder ("..") (allowed folders: ${folders.input})`,
      );
    }
    const model = await run(txt2imgGraph({ model: '../tiny-sd', steps: 2 }));
    expect(model.error?.message).toContain(`model: pipeline "../tiny-sd" leaves its folder ("..")`);
  });

  it('refuses a symlink inside the input folder that points outside', async () => {
    symlinkSync(outside, join(folders.input, 'linked'));
    const result = await run(img2imgGraph('linked/photo.png', 0.5, { steps: 2 }));
    expect(result.error?.message).toBe(
      `Node "image" (LoadImage) failed: image: image "linked/photo.png" leads outside the allowed folders through a symbolic link (refused; allowed folders: ${folders.input})`,
    );
  });
});
