// Checks that need the models themselves, made before a run starts: a latent whose size the
// pipeline's U-Net cannot take (exports made for one size declare fixed input shapes). Only ONNX
// headers are read (cached by file size and time), so validating stays cheap.
import { join } from 'node:path';
import type { NodeDefinition, RuntimeServices } from '../../nodes/api.ts';
import { normalizeGraph } from '../graph/normalize.ts';
import type { GraphDocument, GraphNode } from '../graph/schema.ts';
import { modelRoots, resolveModel } from '../runtime/model-resolve.ts';
import { cachedOnnxHeader } from '../runtime/onnx-header.ts';
import { fixedDim } from '../runtime/slot-signatures.ts';
import type { GraphProblem } from './events.ts';
import { loraFitProblems } from './lora-fit-checks.ts';
import type { NodeRegistry } from './registry.ts';

/** Pixels per latent cell (the SD VAE downsamples by 8). */
const LATENT_SCALE = 8;

interface Source {
  id: string;
  node: GraphNode;
  def: NodeDefinition;
}

interface CheckedEngine {
  registry: NodeRegistry;
  runtime: RuntimeServices;
  validate(doc: unknown): GraphProblem[];
}

/** The engine's structural validation, then (when that passes) the checks that read model headers. */
export async function validateWithModels(engine: CheckedEngine, raw: unknown): Promise<GraphProblem[]> {
  const problems = engine.validate(raw);
  if (problems.length > 0) return problems;
  const normalized = normalizeGraph(raw);
  if (!normalized.ok) return problems;
  return [
    ...(await modelShapeProblems(normalized.doc, engine.registry, engine.runtime)),
    ...(await loraFitProblems(normalized.doc, engine.runtime)),
  ];
}

/**
 * For each node fed both a MODEL from a pipeline loader and a LATENT from a node with width and
 * height widgets, the size must fit the U-Net's fixed sample shape. Models that cannot be found or
 * read are left to the run, which names them.
 */
export async function modelShapeProblems(
  doc: GraphDocument,
  registry: NodeRegistry,
  runtime: RuntimeServices,
): Promise<GraphProblem[]> {
  const problems: GraphProblem[] = [];
  const reported = new Set<string>();
  for (const [id, node] of Object.entries(doc.nodes)) {
    const def = registry.get(node.type);
    if (!def || node.bypass || node.mute) continue;
    const model = sourceOf(doc, registry, def, id, 'MODEL');
    const latent = sourceOf(doc, registry, def, id, 'LATENT');
    if (!model || !latent || reported.has(latent.id)) continue;
    const pipeline = pipelineName(model);
    const size = latentSize(latent);
    if (!pipeline || !size) continue;
    const fixed = await unetLatentSize(pipeline, runtime);
    if (!fixed) continue;
    const [h, w] = fixed;
    const [height, width] = size;
    if ((h === null || h === height / LATENT_SCALE) && (w === null || w === width / LATENT_SCALE)) continue;
    reported.add(latent.id);
    const px = (v: number | null) => (v === null ? 'any' : String(v * LATENT_SCALE));
    problems.push({
      nodeId: latent.id,
      field: w !== null && w !== width / LATENT_SCALE ? 'width' : 'height',
      code: 'bad-widget-value',
      message:
        `The model "${pipeline}" takes ${px(w)}x${px(h)} px images (${w ?? 'any'}x${h ?? 'any'} latents); ` +
        `this latent is ${width}x${height} px`,
    });
  }
  return problems;
}

/** The node wired into `id`'s first input of the given socket type. */
function sourceOf(
  doc: GraphDocument,
  registry: NodeRegistry,
  def: NodeDefinition,
  id: string,
  type: string,
): Source | null {
  const input = def.inputs.find((i) => i.type === type);
  if (!input) return null;
  const edge = doc.edges.find((e) => e.to[0] === id && e.to[1] === input.name);
  const node = edge ? doc.nodes[edge.from[0]] : undefined;
  const from = node ? registry.get(node.type) : undefined;
  return edge && node && from ? { id: edge.from[0], node, def: from } : null;
}

function pipelineName(source: Source): string | null {
  const widget = source.def.widgets.find((w) => w.kind === 'model' && w.modelKind === 'pipeline');
  const value = widget ? (source.node.widgets[widget.name] ?? widget.default) : undefined;
  return typeof value === 'string' && value !== '' ? value : null;
}

/** [height, width] in pixels from the source's own width/height widgets (not wired ones). */
function latentSize(source: Source): [number, number] | null {
  const value = (name: string) => {
    const spec = source.def.widgets.find((w) => w.name === name && w.kind === 'int');
    const v = spec ? (source.node.widgets[name] ?? spec.default) : undefined;
    return typeof v === 'number' ? v : null;
  };
  const height = value('height');
  const width = value('width');
  return height !== null && width !== null ? [height, width] : null;
}

/** The U-Net's fixed latent [height, width] (null where dynamic), or null if it cannot be read. */
async function unetLatentSize(
  name: string,
  runtime: RuntimeServices,
): Promise<[number | null, number | null] | null> {
  try {
    const { path } = await resolveModel({
      name,
      roots: modelRoots(runtime),
      what: 'pipeline folder',
      allowAbsolute: runtime.allowAbsolutePaths,
    });
    const header = await cachedOnnxHeader(join(path, 'unet', 'model.onnx'));
    const sample = header.inputs.find((i) => i.name === 'sample');
    if (sample?.shape.length !== 4) return null;
    return [fixedDim(sample.shape[2]), fixedDim(sample.shape[3])];
  } catch {
    return null;
  }
}
