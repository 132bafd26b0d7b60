// A models folder holding one generated tiny checkpoint (and any extra files, e.g. embeddings), a
// CPU runtime on it, and that checkpoint loaded as LoadCheckpoint loads it: the setup the text
// encoding tests share.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TensorToWrite } from '../../../main/checkpoint/safetensors-write.ts';
import { writeSafetensors } from '../../../main/checkpoint/safetensors-write.ts';
import { createRuntimeServices } from '../../../main/engine/runtime-services.ts';
import { setHashCacheFile } from '../../../main/runtime/model-hash.ts';
import { loadCheckpoint } from '../../../main/services/checkpoint-loader.ts';
import { TINY_CHECKPOINT_PARTS } from '../../fixtures/checkpoints/parts.ts';

export interface TinyCheckpointRuntime {
  runtime: ReturnType<typeof createRuntimeServices>;
  loaded: Awaited<ReturnType<typeof loadCheckpoint>>;
  /** The models folder (checkpoints/<part>.safetensors and the extra files). */
  models: string;
  /** The runtime's input/output folder, for a test's own scratch files. */
  scratch: string;
  remove(): void;
}

/**
 * Writes `checkpoints/<part>.safetensors` (a TINY_CHECKPOINT_PARTS entry) and each extra file (path
 * relative to the models folder → tensors), then loads the checkpoint in float32 on the CPU.
 */
export async function loadTinyCheckpoint(
  part: string,
  extraFiles: Record<string, readonly TensorToWrite[]> = {},
): Promise<TinyCheckpointRuntime> {
  setHashCacheFile(null);
  const models = mkdtempSync(join(tmpdir(), `dg-${part}-models-`));
  const io = mkdtempSync(join(tmpdir(), `dg-${part}-io-`));
  const files = {
    [join('checkpoints', `${part}.safetensors`)]: TINY_CHECKPOINT_PARTS[part](),
    ...extraFiles,
  };
  for (const [relative, tensors] of Object.entries(files)) {
    mkdirSync(dirname(join(models, relative)), { recursive: true });
    await writeSafetensors(join(models, relative), tensors);
  }
  const runtime = createRuntimeServices({
    paths: { models, input: join(io, 'input'), output: join(io, 'output') },
    device: 'cpu',
  });
  const recipe = {
    checkpoint: `${part}.safetensors`,
    prediction: 'auto',
    dtype: 'float32',
    device: 'cpu',
    loras: [],
  } as const;
  const loaded = await loadCheckpoint({ runtime, warn() {} }, recipe);
  return {
    runtime,
    loaded,
    models,
    scratch: io,
    remove() {
      for (const dir of [models, io]) rmSync(dir, { recursive: true, force: true });
    },
  };
}
