// The custom-sampling family splits one sampler into parts (KSamplerSelect, RandomNoise, CFGGuider);
// Diffgraph's Sampler holds them as widgets. Each part that feeds a SamplerCustom(Advanced) has its
// values and wires copied into that sampler, and is dropped once nothing else uses it.
import type { ComfyNode } from './types.ts';

/** Producer class → the sampler input it feeds and the values it brings. */
const FOLDABLE: Record<string, { input: string; values: string[] }> = {
  KSamplerSelect: { input: 'sampler', values: ['sampler_name'] },
  RandomNoise: { input: 'noise', values: ['noise_seed', 'control_after_generate'] },
  CFGGuider: { input: 'guider', values: ['cfg'] },
};

const CONSUMERS = new Set(['SamplerCustom', 'SamplerCustomAdvanced']);

/** Nodes with the parts folded in; `folded` lists each dropped part's id and where it went. */
export function foldSamplerParts(nodes: ComfyNode[]): { nodes: ComfyNode[]; folded: string[] } {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const usedBy = new Map<string, number>();
  for (const node of nodes) {
    for (const link of Object.values(node.links)) usedBy.set(link.from, (usedBy.get(link.from) ?? 0) + 1);
  }
  const out = nodes.map((node) => ({ ...node, values: { ...node.values }, links: { ...node.links } }));
  const foldedIds = new Map<string, string>();
  for (const node of out) {
    if (!CONSUMERS.has(node.classType)) continue;
    for (const [producerClass, rule] of Object.entries(FOLDABLE)) {
      const link = node.links[rule.input];
      const producer = link && byId.get(link.from);
      if (!producer || producer.classType !== producerClass || producer.decodeError) continue;
      for (const name of rule.values) {
        if (producer.values[name] !== undefined) node.values[name] = producer.values[name];
      }
      if (producerClass === 'RandomNoise') node.values.add_noise = true;
      delete node.links[rule.input];
      for (const [input, producerLink] of Object.entries(producer.links)) node.links[input] = producerLink;
      usedBy.set(producer.id, (usedBy.get(producer.id) ?? 1) - 1);
      foldedIds.set(producer.id, node.id);
    }
  }
  const kept = out.filter((node) => !foldedIds.has(node.id) || (usedBy.get(node.id) ?? 0) > 0);
  const folded = [...foldedIds]
    .filter(([id]) => (usedBy.get(id) ?? 0) <= 0)
    .map(([id, into]) => `${byId.get(id)?.classType} ${id} was folded into sampler ${into}`);
  return { nodes: kept, folded };
}
