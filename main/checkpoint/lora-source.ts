// A checkpoint seen through a stack of LoRAs: reading a weight reads the base tensor and adds every
// LoRA patch aimed at it, in float32, before any cast to the build's dtype. Only patched keys cost
// anything, and `changedKeys` tells a caller which weights a strength change actually touches, so it
// re-merges those and nothing else.
import type { LoraFile, LoraPatch } from './lora.ts';
import { addLoraDeltaFast } from './lora-merge-ort.ts';
import type { TensorInfo, TensorSource } from './tensor-source.ts';

export interface AppliedLora {
  lora: LoraFile;
  /** Multiplies the U-Net patches (ComfyUI's strength_model). */
  strengthModel: number;
  /** Multiplies the text-encoder patches (strength_clip). */
  strengthClip: number;
}

interface KeyedPatch {
  patch: LoraPatch;
  factor: number;
  lora: string;
}

/** key → the patches on it with their factors (strength · alpha/rank), in stacking order. */
export function patchesByKey(applied: readonly AppliedLora[]): Map<string, KeyedPatch[]> {
  const byKey = new Map<string, KeyedPatch[]>();
  for (const { lora, strengthModel, strengthClip } of applied) {
    for (const patch of lora.patches) {
      const strength = patch.target.part === 'unet' ? strengthModel : strengthClip;
      if (strength === 0) continue;
      const list = byKey.get(patch.target.key) ?? [];
      list.push({ patch, factor: strength * patch.scale, lora: lora.name });
      byKey.set(patch.target.key, list);
    }
  }
  return byKey;
}

function signature(list: KeyedPatch[] | undefined): string {
  return (list ?? []).map((p) => `${p.lora}\u0000${p.patch.module}\u0000${p.factor}`).join('\u0001');
}

/** Keys whose merged value differs between two LoRA stacks: the only ones to re-merge. */
export function changedKeys(before: readonly AppliedLora[], after: readonly AppliedLora[]): string[] {
  const a = patchesByKey(before);
  const b = patchesByKey(after);
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter((k) => signature(a.get(k)) !== signature(b.get(k)));
}

export class LoraPatchedSource implements TensorSource {
  private readonly patches: Map<string, KeyedPatch[]>;

  constructor(
    private readonly base: TensorSource,
    applied: readonly AppliedLora[],
  ) {
    this.patches = patchesByKey(applied);
  }

  get name(): string {
    return this.base.name;
  }

  /** The weights some LoRA changes (with a non-zero strength), optionally of one network only. */
  patchedKeys(part?: 'unet' | 'text'): string[] {
    const keys = [...this.patches.entries()];
    return keys.filter(([, list]) => !part || list.some((p) => p.patch.target.part === part)).map(([k]) => k);
  }

  keys(): readonly string[] {
    return this.base.keys();
  }

  has(key: string): boolean {
    return this.base.has(key);
  }

  info(key: string): TensorInfo {
    return this.base.info(key);
  }

  metadata(): Readonly<Record<string, string>> {
    return this.base.metadata();
  }

  async read(key: string): Promise<Float32Array> {
    const list = this.patches.get(key);
    const values = await this.base.read(key);
    if (!list) return values;
    const merged = Float32Array.from(values); // never write into a buffer the base may share
    for (const { patch, factor } of list) await addLoraDeltaFast(merged, patch, factor);
    return merged;
  }
}
