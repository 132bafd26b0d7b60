// Evaluation nodes: FID and KID of a batch of images against a reference set, and CLIPScore against
// a prompt. The metrics (main/eval/) run on the Node side through ctx.services.evaluation; the scores
// come out as FLOAT values (for other nodes) and as a line on the node.
import './evaluation-service.ts';
import { DEVICE_NAMES, defineNode, type NodeContext, type NodeDefinition, type WidgetSpec } from './api.ts';
import type { DistanceMetric } from './evaluation-service.ts';
import { asImage } from './inputs.ts';
import type { DeviceName } from './services.ts';
import { onWidgets } from './widget-errors.ts';

const CATEGORY = 'evaluation';
/** The stand-in feature extractor and image set of the shipped default model. */
const SHAPES_FEATURES = 'features/diffgraph-shapes/model.onnx';
const SHAPES_REFERENCE = 'features/diffgraph-shapes/reference';

const deviceWidget: WidgetSpec = { name: 'device', kind: 'enum', default: 'cpu', options: DEVICE_NAMES };

const distanceWidgets: WidgetSpec[] = [
  {
    name: 'reference',
    kind: 'string',
    default: SHAPES_REFERENCE,
    description: 'Folder of reference images, under the models folders or the input folder',
  },
  {
    name: 'features',
    kind: 'file',
    folder: 'models',
    extensions: ['.onnx'],
    default: SHAPES_FEATURES,
    description:
      'Feature-extractor ONNX model ([B,3,H,W] -> [B,D], features.json beside it), e.g. an Inception-v3 pool3 export',
  },
  deviceWidget,
];

const show = (value: number) => Number(value.toPrecision(5));

async function distance(ctx: NodeContext, metric: DistanceMetric, inputs: Record<string, unknown>) {
  const images = asImage(inputs.images, 'images');
  const { scores, warnings } = await onWidgets(
    { features: 'features', reference: 'reference', device: 'device' },
    () =>
      ctx.services.evaluation.distance(
        metric,
        images,
        String(inputs.reference),
        String(inputs.features),
        inputs.device as DeviceName,
      ),
  );
  for (const w of warnings) ctx.warn(w);
  ctx.log.info(
    `${metric.toUpperCase()} ${show(scores[metric])} (${scores.n_a} images against ${scores.n_b} reference images)`,
  );
  return scores;
}

export const evaluationNodes: NodeDefinition[] = [
  defineNode({
    type: 'FID',
    displayName: 'FID',
    category: CATEGORY,
    description:
      'Fréchet distance between the features of the images and of a reference set (Heusel et al. 2017): ‖μ₁−μ₂‖² + Tr(Σ₁+Σ₂−2(Σ₁Σ₂)^½)',
    inputs: [{ name: 'images', type: 'IMAGE' }],
    widgets: distanceWidgets,
    outputs: [{ name: 'fid', type: 'FLOAT' }],
    output: true,
    showOutputValues: true,
    run: async (ctx, inputs) => ({ fid: (await distance(ctx, 'fid', inputs)).fid }),
  }),
  defineNode({
    type: 'KID',
    displayName: 'KID',
    category: CATEGORY,
    description:
      'Kernel Inception Distance: unbiased MMD² with the kernel (xᵀy/d + 1)³ (Bińkowski et al. 2018); meaningful for small sets',
    inputs: [{ name: 'images', type: 'IMAGE' }],
    widgets: distanceWidgets,
    outputs: [
      { name: 'kid', type: 'FLOAT' },
      { name: 'kid_std', type: 'FLOAT', description: 'Standard deviation over subsets (0 for one subset)' },
    ],
    output: true,
    showOutputValues: true,
    run: async (ctx, inputs) => {
      const scores = await distance(ctx, 'kid', inputs);
      return { kid: scores.kid, kid_std: scores.kid_std };
    },
  }),
  defineNode({
    type: 'CLIPScore',
    displayName: 'CLIP Score',
    category: CATEGORY,
    description: 'w · max(cos(image, text), 0) per image, averaged (Hessel et al. 2021)',
    inputs: [{ name: 'images', type: 'IMAGE' }],
    widgets: [
      { name: 'prompt', kind: 'string', default: '', multiline: true },
      {
        name: 'clip',
        kind: 'string',
        default: '',
        description: 'CLIP folder under the models folders: image_encoder/, text_encoder/, tokenizer/',
      },
      {
        name: 'weighting',
        kind: 'enum',
        default: 'hessel',
        options: ['hessel', 'torchmetrics'],
        description: 'w = 2.5 (Hessel et al.) or 100 (as torchmetrics reports it)',
      },
      deviceWidget,
    ],
    outputs: [{ name: 'clip_score', type: 'FLOAT' }],
    output: true,
    showOutputValues: true,
    run: async (ctx, inputs) => {
      const images = asImage(inputs.images, 'images');
      const result = await onWidgets({ clip: 'clip', device: 'device' }, () =>
        ctx.services.evaluation.clipScore(
          images,
          String(inputs.prompt),
          String(inputs.clip),
          inputs.weighting as 'hessel' | 'torchmetrics',
          inputs.device as DeviceName,
        ),
      );
      ctx.log.info(
        `CLIP score ${show(result.clipScore)} (w = ${result.weight}, ${result.perImage.length} images)`,
      );
      return { clip_score: result.clipScore };
    },
  }),
];
