// A CLIP pair for CLIPScore, as a folder: image_encoder/model.onnx with its features.json
// ([B,3,H,W] -> [B,D] image embeddings), text_encoder/model.onnx (input_ids [B,77] -> [B,D] text
// embeddings, the projected pooled output) and tokenizer/ (vocab.json + merges.txt).
import { join } from 'node:path';
import type { DeviceName } from '../../nodes/api.ts';
import { loadClipTokenizer } from '../runtime/clip-tokenizer.ts';
import { SessionHandle, type SessionPool } from '../runtime/session-pool.ts';
import { idsTensor } from '../runtime/tensor-io.ts';
import { type FeatureModel, loadFeatureModel } from './feature-model.ts';

export interface ClipPair {
  image: FeatureModel;
  /** One embedding per text. */
  embedTexts(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export async function loadClipPair(pool: SessionPool, dir: string, device: DeviceName): Promise<ClipPair> {
  const image = await loadFeatureModel(pool, join(dir, 'image_encoder', 'model.onnx'), device);
  const tokenizer = loadClipTokenizer(join(dir, 'tokenizer'));
  const textPath = join(dir, 'text_encoder', 'model.onnx');
  const text = new SessionHandle(
    pool,
    { path: textPath, name: textPath, slot: 'clip-text', device, defaultDevice: device },
    () => {},
  );
  const { io } = await text.get();
  const input = io.inputs.find((i) => i.name === 'input_ids');
  if (!input) throw new Error(`${textPath}: a CLIP text encoder takes input_ids [B,77]`);
  const output = io.outputs.find((o) => o.name === 'text_embeds') ?? io.outputs[0];
  return {
    image,
    async embedTexts(texts, signal) {
      const out: Float32Array[] = [];
      for (const t of texts) {
        const { ids } = tokenizer.tokenize(t);
        const result = await text.run({ input_ids: idsTensor(ids, [1, ids.length], input.type) }, signal);
        out.push(Float32Array.from(result[output.name].data as Float32Array));
      }
      return out;
    },
  };
}
