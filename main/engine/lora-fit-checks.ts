// A LoRA that does not fit the checkpoint it patches is a problem on its LoadLoRA node before any run:
// the LoRA's module names and shapes are matched against the checkpoint's weights from the two file
// headers only (matchLora; no weights read, nothing built). Files that cannot be found or read are
// left to the run, which names them; a checkpoint Diffgraph cannot load is LoadCheckpoint's error.
import type { RuntimeServices } from '../../nodes/api.ts';
import { detectModel, requireCheckpoint } from '../checkpoint/detect.ts';
import { matchLora } from '../checkpoint/lora.ts';
import { type OpenedTensorFile, openTensorFile } from '../checkpoint/open.ts';
import type { GraphDocument } from '../graph/schema.ts';
import { categoryFolders, type ModelCategory } from '../runtime/model-folders.ts';
import { modelRoots, resolveModel } from '../runtime/model-resolve.ts';
import type { GraphProblem } from './events.ts';

const LORA_NODE = 'LoadLoRA';
const CHECKPOINT_NODE = 'LoadCheckpoint';

function widget(doc: GraphDocument, id: string, name: string): string | null {
  const value = doc.nodes[id]?.widgets[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The checkpoint name at the head of `id`'s LoRA chain (through its `model`, else `clip`, wire). */
function chainCheckpoint(doc: GraphDocument, id: string): string | null {
  const seen = new Set<string>();
  let at = id;
  while (!seen.has(at)) {
    seen.add(at);
    const edge =
      doc.edges.find((e) => e.to[0] === at && e.to[1] === 'model') ??
      doc.edges.find((e) => e.to[0] === at && e.to[1] === 'clip');
    const source = edge ? doc.nodes[edge.from[0]] : undefined;
    if (!edge || !source) return null;
    if (source.type === CHECKPOINT_NODE) return widget(doc, edge.from[0], 'checkpoint');
    if (source.type !== LORA_NODE) return null;
    at = edge.from[0];
  }
  return null;
}

async function openModel(
  runtime: RuntimeServices,
  name: string,
  category: ModelCategory,
): Promise<OpenedTensorFile | null> {
  const roots = modelRoots(runtime);
  try {
    const { path } = await resolveModel({
      name,
      what: category,
      roots: [...categoryFolders(roots)[category], ...roots],
      allowAbsolute: runtime.allowAbsolutePaths,
    });
    return await openTensorFile(path);
  } catch {
    return null;
  }
}

/** Why `lora` cannot patch `checkpoint`, or null when it fits (or cannot be judged from here). */
async function misfit(runtime: RuntimeServices, checkpoint: string, lora: string): Promise<string | null> {
  const loraFile = await openModel(runtime, lora, 'loras');
  const ckptFile = loraFile && (await openModel(runtime, checkpoint, 'checkpoints'));
  try {
    if (!loraFile || !ckptFile) return null;
    const kind = detectModel(loraFile);
    if (kind.kind !== 'lora') return `${lora} is not a LoRA (detected: ${kind.label})`;
    if (!kind.supported) return `${lora} cannot be applied (detected: ${kind.label})`;
    try {
      requireCheckpoint(ckptFile);
    } catch {
      return null;
    }
    matchLora(loraFile, ckptFile);
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await loraFile?.close();
    await ckptFile?.close();
  }
}

/** One problem per LoadLoRA node whose LoRA does not fit the checkpoint its chain starts from. */
export async function loraFitProblems(doc: GraphDocument, runtime: RuntimeServices): Promise<GraphProblem[]> {
  const problems: GraphProblem[] = [];
  for (const [id, node] of Object.entries(doc.nodes)) {
    if (node.type !== LORA_NODE || node.bypass || node.mute) continue;
    const lora = widget(doc, id, 'lora');
    const checkpoint = chainCheckpoint(doc, id);
    if (!lora || !checkpoint) continue;
    const reason = await misfit(runtime, checkpoint, lora);
    if (!reason) continue;
    problems.push({
      nodeId: id,
      field: 'lora',
      code: 'bad-widget-value',
      message: `LoRA "${lora}" does not fit checkpoint "${checkpoint}": ${reason}`,
    });
  }
  return problems;
}
