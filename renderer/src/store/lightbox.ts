// The lightbox: one image large, arrow keys through its batch or run, and a second image pinned
// beside it to compare. Its own small store: opening it never touches the document.

import { createStore } from './store.ts';

export interface LightboxImage {
  url: string;
  /** What the caption says (the image's own seed, when known). */
  caption: string;
  /** The run that made it: "Load graph" asks the host for that run's graph. */
  runId?: string;
  /** Where the run is recorded: the output folder's history, or this editor's live runs. */
  from: 'history' | 'live';
}

export interface LightboxState {
  images: LightboxImage[];
  index: number;
  /** The image pinned on the left while comparing (an index into `images`), or null. */
  pinned: number | null;
}

export const lightbox = createStore<{ open: LightboxState | null }>({ open: null });

export function openLightbox(images: LightboxImage[], index = 0): void {
  if (images.length === 0) return;
  lightbox.set({ open: { images, index: Math.min(Math.max(index, 0), images.length - 1), pinned: null } });
}

export function closeLightbox(): void {
  lightbox.set({ open: null });
}

/** Next or previous image, wrapping around at the ends of the batch. */
export function stepLightbox(delta: number): void {
  const open = lightbox.get().open;
  if (!open) return;
  const count = open.images.length;
  lightbox.set({ open: { ...open, index: (((open.index + delta) % count) + count) % count } });
}

/** Pins the image shown so the arrows choose the one it is compared with; again to unpin. */
export function toggleCompare(): void {
  const open = lightbox.get().open;
  if (!open) return;
  if (open.pinned !== null) {
    lightbox.set({ open: { ...open, pinned: null } });
    return;
  }
  const next = open.images.length > 1 ? (open.index + 1) % open.images.length : open.index;
  lightbox.set({ open: { ...open, pinned: open.index, index: next } });
}

/** "seed 42", or "" when the image's seed is unknown. */
export function seedCaption(seed: number | undefined): string {
  return seed === undefined ? '' : `seed ${seed}`;
}
