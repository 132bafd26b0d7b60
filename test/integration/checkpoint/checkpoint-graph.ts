// The txt2img test graph with LoadCheckpoint (and a LoadLoRA chain) in place of LoadPipeline.
import { type TestGraph, txt2imgGraph } from '../runtime/graphs.ts';

export interface LoraNode {
  lora: string;
  model: number;
  clip: number;
}

/** txt2imgGraph with LoadCheckpoint (and a LoRA chain) in place of LoadPipeline. */
export function checkpointGraph(checkpoint: string, loras: LoraNode[] = [], prefix = 'ckpt'): TestGraph {
  const graph = txt2imgGraph({ steps: 2, size: 64, prefix, seed: 7 });
  graph.nodes.load = {
    type: 'LoadCheckpoint',
    widgets: { checkpoint, device: 'cpu', dtype: 'float32', prediction: 'auto' },
    position: [0, 0],
  };
  let source = 'load';
  for (const [i, lora] of loras.entries()) {
    const id = `lora${i}`;
    graph.nodes[id] = {
      type: 'LoadLoRA',
      widgets: { lora: lora.lora, strength_model: lora.model, strength_clip: lora.clip },
      position: [0, 100 * (i + 1)],
    };
    graph.edges.push(
      { from: [source, 'model'], to: [id, 'model'] },
      { from: [source, 'clip'], to: [id, 'clip'] },
    );
    source = id;
  }
  for (const e of graph.edges)
    if (e.from[0] === 'load' && e.from[1] !== 'vae' && !e.to[0].startsWith('lora')) e.from[0] = source;
  return graph;
}
