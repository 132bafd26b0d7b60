// A TensorSource over tensors held in memory: tests and generators hand checkpoints to the builders
// without a file in between.
import type { TensorToWrite } from './safetensors-write.ts';
import type { TensorInfo, TensorSource } from './tensor-source.ts';

export class MemoryTensorSource implements TensorSource {
  private readonly byKey = new Map<string, TensorToWrite>();

  constructor(
    readonly name: string,
    tensors: readonly TensorToWrite[],
    private readonly meta: Record<string, string> = {},
  ) {
    for (const t of tensors) this.byKey.set(t.name, t);
  }

  keys(): readonly string[] {
    return [...this.byKey.keys()];
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  private get(key: string): TensorToWrite {
    const t = this.byKey.get(key);
    if (!t) throw new Error(`${this.name}: no tensor "${key}"`);
    return t;
  }

  info(key: string): TensorInfo {
    const t = this.get(key);
    return { dtype: t.dtype, shape: t.shape };
  }

  async read(key: string): Promise<Float32Array> {
    const t = this.get(key);
    return typeof t.values === 'function' ? t.values() : t.values;
  }

  metadata(): Readonly<Record<string, string>> {
    return this.meta;
  }
}
