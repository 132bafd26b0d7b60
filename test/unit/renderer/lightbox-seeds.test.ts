// Each image of a batch is captioned with its own seed (item i of a batch is sampled from seed + i),
// on its node and in the gallery; the lightbox steps through a batch and pins one to compare.
import { beforeEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../main/host/shared/api.ts';
import {
  closeLightbox,
  lightbox,
  openLightbox,
  stepLightbox,
  toggleCompare,
} from '../../../renderer/src/store/lightbox.ts';
import { applyHostEvent, emptyRunView, type RunView } from '../../../renderer/src/store/run-state.ts';

const play = (events: HostEvent[]) =>
  events.reduce<RunView>((v, e) => applyHostEvent(v, e, (p) => `/files${p}`, 1), emptyRunView());

describe('per-image seeds', () => {
  it('a batch of three from seed 41 shows seeds 41, 42, 43 on the node and in the gallery', () => {
    const outputs: HostEvent[] = [0, 1, 2].map((batchIndex) => ({
      type: 'node-output',
      runId: 'r1',
      nodeId: 'save',
      file: { kind: 'image', path: `/out/${batchIndex}.png`, meta: { seed: 41, batchIndex } },
    }));
    const view = play([{ type: 'run-started', runId: 'r1', plan: ['save'] }, ...outputs]);
    expect(view.nodes.save.imageSeeds).toEqual([41, 42, 43]);
    expect(view.gallery.map((item) => item.seed)).toEqual([43, 42, 41]); // newest first
  });

  it('an image without a recorded seed (a preview) has none', () => {
    const view = play([
      { type: 'run-started', runId: 'r1', plan: ['preview'] },
      {
        type: 'node-output',
        runId: 'r1',
        nodeId: 'preview',
        file: { kind: 'image', path: '/out/p.png', meta: { preview: true, batchIndex: 0 } },
      },
    ]);
    expect(view.nodes.preview.imageSeeds).toEqual([null]);
  });
});

describe('lightbox', () => {
  const shots = ['a', 'b', 'c'].map((url) => ({ url, caption: url, from: 'live' as const }));
  const shown = () => {
    const open = lightbox.get().open;
    return (
      open && {
        image: open.images[open.index].url,
        pinned: open.pinned === null ? null : open.images[open.pinned].url,
      }
    );
  };
  beforeEach(closeLightbox);

  it('steps through the batch and wraps around at both ends', () => {
    openLightbox(shots, 2);
    stepLightbox(1);
    expect(shown()?.image).toBe('a');
    stepLightbox(-1);
    stepLightbox(-1);
    expect(shown()?.image).toBe('b');
  });

  it('compare pins the shown image and moves on to the next; again unpins', () => {
    openLightbox(shots, 1);
    toggleCompare();
    expect(shown()).toEqual({ image: 'c', pinned: 'b' });
    stepLightbox(1);
    expect(shown()).toEqual({ image: 'a', pinned: 'b' });
    toggleCompare();
    expect(shown()).toEqual({ image: 'a', pinned: null });
    closeLightbox();
    expect(shown()).toBeNull();
  });
});
