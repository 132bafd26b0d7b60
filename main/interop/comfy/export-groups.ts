// Diffgraph nodes → ComfyUI nodes for export: which nodes form one ComfyUI node (a Sampler and the
// NoiseSchedule that only it uses make a KSampler), with ComfyUI's widget values. The class table
// in classes*.ts then says how sockets line up, so import and export cannot disagree.
import type { NodeRegistry } from '../../engine/registry.ts';
import type { GraphDocument, GraphNode } from '../../graph/schema.ts';
import { CHECKPOINT_LOADERS, LORA_LOADER } from './classes-basic.ts';
import { SCHEDULE_SUFFIX } from './classes-sampling.ts';
import { exportTextEncodeSdxl } from './export-sdxl.ts';
import { SAMPLER_NAMES_BACK, SCHEDULER_NAMES_BACK } from './names.ts';
import { PLACEHOLDER_PREFIX } from './types.ts';

export interface ExportGroup {
  /** The ComfyUI node id: the id of the group's main Diffgraph node. */
  id: string;
  classType: string;
  values: Record<string, unknown>;
  /** Part suffix → Diffgraph node id. */
  parts: Record<string, string>;
  /** A placeholder's node as it was imported. */
  raw?: unknown;
}

type Widgets = Record<string, unknown>;

/** Widget values with the catalogue's defaults filled in. */
function widgetsOf(node: GraphNode, registry: NodeRegistry): Widgets {
  const defaults = Object.fromEntries(
    (registry.get(node.type)?.widgets ?? []).map((w) => [w.name, w.default]),
  );
  return { ...defaults, ...node.widgets };
}

function samplerGroup(id: string, doc: GraphDocument, registry: NodeRegistry): ExportGroup | string {
  const edge = doc.edges.find((e) => e.to[0] === id && e.to[1] === 'schedule');
  const scheduleId = edge?.from[0];
  const scheduleNode = scheduleId === undefined ? undefined : doc.nodes[scheduleId];
  if (!scheduleId || scheduleNode?.type !== 'NoiseSchedule')
    return 'its schedule does not come from a NoiseSchedule';
  if (doc.edges.some((e) => e.from[0] === scheduleId && e.to[0] !== id))
    return `its NoiseSchedule ${scheduleId} also feeds other nodes`;
  const s = widgetsOf(doc.nodes[id], registry);
  const n = widgetsOf(scheduleNode, registry);
  const sampler = SAMPLER_NAMES_BACK[String(s.sampler)];
  const scheduler = SCHEDULER_NAMES_BACK[String(n.scheduler)];
  if (!sampler) return `ComfyUI has no sampler "${s.sampler}"`;
  if (!scheduler) return `ComfyUI has no scheduler "${n.scheduler}"`;
  if (n.sigma_min !== 0 || n.sigma_max !== 0)
    return 'its schedule sets sigma_min/sigma_max, which KSampler cannot';
  const control = doc.nodes[id].seedControl?.seed ?? 'fixed';
  const parts = { '': id, [SCHEDULE_SUFFIX]: scheduleId };
  const common = { steps: n.steps, cfg: s.cfg, sampler_name: sampler, scheduler };
  const whole =
    n.start_at_step === 0 && Number(n.end_at_step) >= Number(n.steps) && s.leftover_noise !== true;
  if (s.add_noise !== false && whole) {
    const values = { seed: s.seed, control_after_generate: control, ...common, denoise: n.denoise };
    return { id, classType: 'KSampler', values, parts };
  }
  if (n.denoise !== 1)
    return 'without add_noise or with a step range it needs KSamplerAdvanced, which has no denoise';
  const enable = (on: unknown) => (on === false ? 'disable' : 'enable');
  const values = {
    add_noise: enable(s.add_noise),
    noise_seed: s.seed,
    control_after_generate: control,
    ...common,
    start_at_step: n.start_at_step,
    end_at_step: n.end_at_step,
    return_with_leftover_noise: s.leftover_noise === true ? 'enable' : 'disable',
  };
  return { id, classType: 'KSamplerAdvanced', values, parts };
}

type Simple = (
  w: Widgets,
  hasInput: (name: string) => boolean,
  note: (problem: string) => void,
) => [string, Widgets] | string;

const SIMPLE: Record<string, Simple> = {
  LoadPipeline: (w) => ['CheckpointLoaderSimple', { ckpt_name: w[CHECKPOINT_LOADERS.folder.widget] }],
  [CHECKPOINT_LOADERS.file.type]: (w) => [
    'CheckpointLoaderSimple',
    { ckpt_name: w[CHECKPOINT_LOADERS.file.widget] },
  ],
  [LORA_LOADER.type]: (w, hasInput) =>
    hasInput('clip')
      ? [
          'LoraLoader',
          {
            lora_name: w[LORA_LOADER.widget],
            strength_model: w.strength_model,
            strength_clip: w.strength_clip,
          },
        ]
      : ['LoraLoaderModelOnly', { lora_name: w[LORA_LOADER.widget], strength_model: w.strength_model }],
  LoadVAE: (w) => ['VAELoader', { vae_name: w.file }],
  TextEncode: (w, _hasInput, note) => {
    if (w.clip_skip !== 1)
      note(
        `clip_skip ${w.clip_skip} is not written (ComfyUI sets it with CLIPSetLastLayer before the encoder: use a Set Clip Skip node)`,
      );
    if (Number(w.comma_backtrack ?? 0) !== 0)
      note(`comma_backtrack ${w.comma_backtrack} is not written (ComfyUI never backtracks to a comma)`);
    return ['CLIPTextEncode', { text: w.text }];
  },
  TextEncodeSDXL: exportTextEncodeSdxl,
  SetClipSkip: (w) => ['CLIPSetLastLayer', { stop_at_clip_layer: -Number(w.clip_skip) }],
  ZeroConditioning: () => ['ConditioningZeroOut', {}],
  UpscaleLatent: (w) => [
    'LatentUpscale',
    { upscale_method: w.upscale_method, width: w.width, height: w.height, crop: w.crop },
  ],
  UpscaleLatentBy: (w) => ['LatentUpscaleBy', { upscale_method: w.upscale_method, scale_by: w.scale_by }],
  EmptyLatent: (w) =>
    w.channels === 4
      ? ['EmptyLatentImage', { width: w.width, height: w.height, batch_size: w.batch }]
      : `ComfyUI's EmptyLatentImage makes 4 channels, not ${w.channels}`,
  VAEDecode: () => ['VAEDecode', {}],
  VAEEncode: () => ['VAEEncode', {}],
  SaveImage: (w) => ['SaveImage', { filename_prefix: w.prefix }],
  PreviewImage: () => ['PreviewImage', {}],
  LoadImage: (w) => ['LoadImage', { image: w.image, upload: 'image' }],
};

/** The ComfyUI nodes a graph becomes, and each Diffgraph node that has none (with why). */
export function exportGroups(
  doc: GraphDocument,
  registry: NodeRegistry,
): {
  groups: ExportGroup[];
  skipped: { id: string; type: string; reason: string }[];
  /** Values of exported nodes that ComfyUI's node cannot hold. */
  notes: string[];
} {
  const groups: ExportGroup[] = [];
  const notes: string[] = [];
  const skipped: { id: string; type: string; reason: string }[] = [];
  const taken = new Set<string>();
  const ids = Object.keys(doc.nodes).sort(
    (a, b) => Number(doc.nodes[a].type === 'NoiseSchedule') - Number(doc.nodes[b].type === 'NoiseSchedule'),
  );
  for (const id of ids) {
    const node = doc.nodes[id];
    if (taken.has(id)) continue;
    let group: ExportGroup | string;
    if (node.type.startsWith(PLACEHOLDER_PREFIX)) {
      group = {
        id,
        classType: node.type.slice(PLACEHOLDER_PREFIX.length),
        values: {},
        parts: { '': id },
        raw: node.comfy,
      };
    } else if (node.type === 'Sampler') {
      group = samplerGroup(id, doc, registry);
    } else if (SIMPLE[node.type]) {
      const hasInput = (name: string) => doc.edges.some((e) => e.to[0] === id && e.to[1] === name);
      const note = (problem: string) => notes.push(`${node.type} ${id}: ${problem}`);
      const made = SIMPLE[node.type](widgetsOf(node, registry), hasInput, note);
      group =
        typeof made === 'string' ? made : { id, classType: made[0], values: made[1], parts: { '': id } };
    } else {
      group =
        node.type === 'NoiseSchedule'
          ? 'only a NoiseSchedule that feeds one Sampler exports (inside a KSampler)'
          : `ComfyUI has no node for Diffgraph's ${node.type}`;
    }
    if (typeof group === 'string') {
      skipped.push({ id, type: node.type, reason: group });
      continue;
    }
    for (const part of Object.values(group.parts)) taken.add(part);
    groups.push(group);
  }
  return { groups, skipped, notes };
}
