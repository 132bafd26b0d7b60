// Which loader node takes each kind of model file, and which file pickers list which kind.
import type { ModelFileInfo } from '../../../main/checkpoint/scan.ts';

export type ModelCategory = ModelFileInfo['category'];

export interface LoaderWidget {
  type: string;
  widget: string;
}

/** The node a click in the model library inserts, and the widget that gets the file's name. */
export const LOADER_FOR: Partial<Record<ModelCategory, LoaderWidget>> = {
  checkpoints: { type: 'LoadCheckpoint', widget: 'checkpoint' },
  loras: { type: 'LoadLoRA', widget: 'lora' },
  vae: { type: 'LoadVAE', widget: 'file' },
};

export const CATEGORY_TITLES: Record<ModelCategory, string> = {
  checkpoints: 'Checkpoints',
  loras: 'LoRAs',
  vae: 'VAEs',
  embeddings: 'Embeddings',
};

/** The model category a node's file widget picks from, if it is one of the loaders above. */
export function pickerCategory(nodeType: string, widget: string): ModelCategory | undefined {
  for (const [category, loader] of Object.entries(LOADER_FOR)) {
    if (loader.type === nodeType && loader.widget === widget) return category as ModelCategory;
  }
  return undefined;
}

/** "1.9 GB", "143 MB", "12 kB": decimal units, as file managers and model sites show sizes. */
export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** A picker's line for a file: its name, then what it is ("sd15.safetensors · SD 1.x"). */
export function pickerLabel(file: ModelFileInfo): string {
  const what = file.supported ? file.architecture : `${file.architecture}, cannot be used`;
  return `${file.name} · ${what}`;
}
