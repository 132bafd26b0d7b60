// Graph documents for the runtime integration tests, and an engine over a temp folder set.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent, RunResult } from '../../../main/engine/events.ts';
import { Engine } from '../../../main/engine/execute/engine.ts';
import { defaultRegistry } from '../../../main/engine/registry.ts';
import { createRuntimeServices } from '../../../main/engine/runtime-services.ts';
import type { DeviceName } from '../../../nodes/api.ts';

type Widgets = Record<string, unknown>;
type GraphNode = { type: string; widgets: Widgets; position: [number, number] };
export type Edge = { from: [string, string]; to: [string, string] };
export interface TestGraph {
  format: 'diffgraph';
  version: 1;
  nodes: Record<string, GraphNode>;
  edges: Edge[];
  models?: { name: string; sha256: string }[];
}

const at = (i: number): [number, number] => [i * 220, 0];
const edge = (from: string, out: string, to: string, input: string): Edge => ({
  from: [from, out],
  to: [to, input],
});

export interface Txt2ImgOptions {
  model?: string;
  device?: DeviceName;
  prompt?: string;
  negative?: string;
  steps?: number;
  seed?: number;
  size?: number;
  batch?: number;
  cfg?: number;
  sampler?: string;
  prefix?: string;
}

/** LoadPipeline -> TextEncode x2 -> EmptyLatent -> NoiseSchedule -> Sampler -> VAEDecode -> SaveImage. */
export function txt2imgGraph(o: Txt2ImgOptions = {}): TestGraph {
  const size = o.size ?? 64;
  return {
    format: 'diffgraph',
    version: 1,
    nodes: {
      load: {
        type: 'LoadPipeline',
        widgets: { model: o.model ?? 'tiny-sd', device: o.device ?? 'cpu' },
        position: at(0),
      },
      positive: {
        type: 'TextEncode',
        widgets: { text: o.prompt ?? 'a red circle on a blue background' },
        position: at(1),
      },
      negative: { type: 'TextEncode', widgets: { text: o.negative ?? 'blurry' }, position: at(1) },
      empty: {
        type: 'EmptyLatent',
        widgets: { width: size, height: size, batch: o.batch ?? 1 },
        position: at(1),
      },
      schedule: {
        type: 'NoiseSchedule',
        widgets: { scheduler: 'leading', steps: o.steps ?? 10 },
        position: at(2),
      },
      sampler: {
        type: 'Sampler',
        widgets: { sampler: o.sampler ?? 'euler', cfg: o.cfg ?? 7.5, seed: o.seed ?? 42 },
        position: at(3),
      },
      decode: { type: 'VAEDecode', widgets: {}, position: at(4) },
      save: { type: 'SaveImage', widgets: { prefix: o.prefix ?? 'txt2img' }, position: at(5) },
    },
    edges: [
      edge('load', 'clip', 'positive', 'clip'),
      edge('load', 'clip', 'negative', 'clip'),
      edge('load', 'model', 'schedule', 'model'),
      edge('load', 'model', 'sampler', 'model'),
      edge('schedule', 'schedule', 'sampler', 'schedule'),
      edge('empty', 'latent', 'sampler', 'latent'),
      edge('positive', 'conditioning', 'sampler', 'positive'),
      edge('negative', 'conditioning', 'sampler', 'negative'),
      edge('sampler', 'latent', 'decode', 'latent'),
      edge('load', 'vae', 'decode', 'vae'),
      edge('decode', 'image', 'save', 'image'),
    ],
  };
}

/** txt2img with LoadImage -> VAEEncode in place of EmptyLatent and a partial denoise. */
export function img2imgGraph(image: string, denoise: number, o: Txt2ImgOptions = {}): TestGraph {
  const graph = txt2imgGraph({ prefix: 'img2img', ...o });
  delete graph.nodes.empty;
  graph.nodes.image = { type: 'LoadImage', widgets: { image }, position: at(0) };
  graph.nodes.encode = { type: 'VAEEncode', widgets: {}, position: at(1) };
  graph.nodes.schedule.widgets.denoise = denoise;
  graph.edges = graph.edges.filter((e) => e.from[0] !== 'empty');
  graph.edges.push(
    edge('image', 'image', 'encode', 'image'),
    edge('load', 'vae', 'encode', 'vae'),
    edge('encode', 'latent', 'sampler', 'latent'),
  );
  return graph;
}

export interface TestFolders {
  models: string;
  input: string;
  output: string;
}

export function tempFolders(models: string): TestFolders {
  const root = mkdtempSync(join(tmpdir(), 'runtime-it-'));
  const folders = { models, input: join(root, 'input'), output: join(root, 'output') };
  mkdirSync(folders.input);
  return folders;
}

/** An engine over `paths`; `allowAbsolutePaths` as the CLI sets it (default: the editor's policy). */
export function testEngine(
  paths: TestFolders,
  device: DeviceName = 'cpu',
  allowAbsolutePaths = false,
): Engine {
  return new Engine({
    registry: defaultRegistry(),
    runtime: createRuntimeServices({ paths, device, allowAbsolutePaths }),
    logger: { info() {}, warn() {}, error() {} },
  });
}

export async function runGraph(
  engine: Engine,
  graph: unknown,
): Promise<{ result: RunResult; events: EngineEvent[] }> {
  const events: EngineEvent[] = [];
  const result = await engine.run(graph, { onEvent: (e) => events.push(e) });
  return { result, events };
}
