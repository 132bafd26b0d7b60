// The extra-token text encoder (textual-inversion vectors at negative ids) on the WebGPU execution
// provider (Mesa lavapipe in CI) gives what the CPU provider gives, within float tolerance.
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildTextEncoder } from '../../../main/checkpoint/build/text-encoder.ts';
import {
  EXTRA_TOKENS_INPUT,
  withExtraTokenInput,
} from '../../../main/checkpoint/build/text-encoder-extra-tokens.ts';
import { readClipStructure } from '../../../main/checkpoint/clip-structure.ts';
import { MemoryTensorSource } from '../../../main/checkpoint/memory-source.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';
import { TINY_CLIP } from '../../fixtures/checkpoints/tiny-clip.ts';
import { maxAbs, maxAbsDiff, reference, runModel } from '../../unit/checkpoint/reference.ts';
import { SLOW_TEST_MS } from '../cli/harness.ts';

describe('extra-token text encoder on WebGPU', () => {
  it(
    'equals the CPU provider',
    async () => {
      const src = new MemoryTensorSource('tiny-clip-l.safetensors', TINY_CHECKPOINT_PARTS['tiny-clip-l']());
      const s = readClipStructure(src, { headWidth: TINY_CLIP.headWidth });
      const model = withExtraTokenInput(await buildTextEncoder(src, s, { dtype: 'float32' }), s.width);
      const ids = reference('text/hf-prompts', 'input_ids');
      const [emb] = TINY_CHECKPOINT_PARTS['tiny-embedding']();
      const vectors = Float32Array.from(emb.values as ArrayLike<number>);
      const feeds = () => ({
        input_ids: new ort.Tensor('int32', Int32Array.from(ids.data), ids.shape),
        [EXTRA_TOKENS_INPUT]: new ort.Tensor('float32', vectors, [vectors.length / s.width, s.width]),
      });
      const cpu = (await runModel(model, feeds())).last_hidden_state.data as Float32Array;
      const gpu = (await runModel(model, feeds(), 'webgpu')).last_hidden_state.data as Float32Array;
      expect(maxAbsDiff(gpu, cpu)).toBeLessThanOrEqual(1e-4 * Math.max(1, maxAbs(cpu)));
    },
    SLOW_TEST_MS,
  );
});
