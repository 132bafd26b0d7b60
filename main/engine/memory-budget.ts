// Refusing a run whose tensors cannot fit before anything is allocated: 8192×8192 × batch 64 once
// passed validation and grew to 10 GB before the process died. The estimate counts the tensors
// whose size the graph fixes (latents from their width/height/batch/channels widgets, and the
// decoded images when the graph produces IMAGE values); model weights and ONNX Runtime's own
// activations come on top, so the estimate is a lower bound and the default budget leaves room.
import { totalmem } from 'node:os';
import { formatBytes } from '../../nodes/format-bytes.ts';
import type { GraphDocument, GraphNode } from '../graph/schema.ts';
import { incomingEdges } from './compile/edges.ts';
import { wiredConstant } from './compile/wired-constants.ts';
import type { GraphProblem } from './events.ts';
import type { NodeRegistry } from './registry.ts';

export const MEMORY_BUDGET_ENV = 'DIFFGRAPH_MEMORY_BUDGET';
/** Default budget: half the machine's memory (the rest is the OS, the models and ONNX Runtime). */
export const DEFAULT_BUDGET_FRACTION = 0.5;
/** Latent copies a sampler holds at once: x, denoised, noise, two guidance halves, history (DPM++ 2M/3M). */
const LATENT_COPIES = 8;
/** A decoded float32 image and its 8-bit copy for saving, rounded up to two float copies. */
const IMAGE_COPIES = 2;
const FLOAT_BYTES = 4;
/** Stable Diffusion's VAE downsamples by 8 in each direction. */
const LATENT_SCALE = 8;

const UNITS: Record<string, number> = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** "8G", "512MiB", "1.5g", "1000000" → bytes; throws naming the expected form. */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i.exec(text);
  const bytes = match ? Number(match[1]) * (UNITS[match[2].toLowerCase()] as number) : Number.NaN;
  if (!Number.isFinite(bytes) || bytes <= 0) {
    throw new Error(`memory budget "${text}": expected a size such as 8G, 512M or a number of bytes`);
  }
  return Math.floor(bytes);
}

/** The budget set by DIFFGRAPH_MEMORY_BUDGET (--memory-budget), if any: it also caps loaded model weights. */
export function configuredMemoryBudget(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const configured = env[MEMORY_BUDGET_ENV];
  return configured !== undefined && configured !== '' ? parseByteSize(configured) : undefined;
}

/** The budget from DIFFGRAPH_MEMORY_BUDGET (set by --memory-budget), else half of total memory. */
export function memoryBudgetBytes(env: NodeJS.ProcessEnv = process.env): number {
  const configured = env[MEMORY_BUDGET_ENV];
  if (configured !== undefined && configured !== '') return parseByteSize(configured);
  return Math.floor(totalmem() * DEFAULT_BUDGET_FRACTION);
}

export interface TensorEstimate {
  nodeId: string;
  bytes: number;
  what: string;
}

function intWidget(node: GraphNode, name: string, fallback: number): number {
  const value = node.widgets[name];
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Tensor bytes each size-defining node implies (latent working copies plus decoded images). */
export function estimateTensorBytes(doc: GraphDocument, registry: NodeRegistry): TensorEstimate[] {
  const decodes = Object.values(doc.nodes).some((node) =>
    registry.get(node.type)?.outputs.some((output) => output.type === 'IMAGE'),
  );
  const estimates: TensorEstimate[] = [];
  const incoming = incomingEdges(doc);
  for (const [nodeId, node] of Object.entries(doc.nodes)) {
    const def = registry.get(node.type);
    if (!def || node.mute || !def.outputs.some((output) => output.type === 'LATENT')) continue;
    const names = new Set(def.widgets.map((widget) => widget.name));
    if (!names.has('width') || !names.has('height')) continue;
    const defaults = Object.fromEntries(def.widgets.map((widget) => [widget.name, widget.default]));
    // A size wired from a primitive (an Int node) counts with that node's value.
    const wiredValue = (name: string) => {
      const edge = incoming.get(nodeId)?.get(name)?.[0];
      return edge ? wiredConstant(edge, doc, registry)?.value : undefined;
    };
    const num = (name: string) => {
      const wired = wiredValue(name);
      const fallback = Number(defaults[name] ?? 1) || 1;
      return typeof wired === 'number' && wired > 0 ? wired : intWidget(node, name, fallback);
    };
    const [width, height, batch, channels] = [num('width'), num('height'), num('batch'), num('channels')];
    const latent = batch * channels * (height / LATENT_SCALE) * (width / LATENT_SCALE) * FLOAT_BYTES;
    const image = decodes ? batch * 3 * height * width * FLOAT_BYTES : 0;
    const bytes = LATENT_COPIES * latent + IMAGE_COPIES * image;
    estimates.push({ nodeId, bytes, what: `${batch} × ${channels} × ${width}×${height}` });
  }
  return estimates;
}

export { formatBytes };

/** A problem when the graph's tensors cannot fit the budget (checked before anything runs). */
export function checkMemoryBudget(
  doc: GraphDocument,
  registry: NodeRegistry,
  budget: number = memoryBudgetBytes(),
): GraphProblem[] {
  const estimates = estimateTensorBytes(doc, registry);
  const total = estimates.reduce((sum, estimate) => sum + estimate.bytes, 0);
  if (total <= budget) return [];
  const largest = estimates.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const message =
    `The run needs about ${formatBytes(total)} of tensors but the memory budget is ${formatBytes(budget)}` +
    ` (largest: node "${largest.nodeId}", ${largest.what}); lower the size or batch, or raise the budget` +
    ` with --memory-budget or ${MEMORY_BUDGET_ENV}`;
  return [{ nodeId: largest.nodeId, code: 'memory-budget', message }];
}
