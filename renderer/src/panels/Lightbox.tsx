// The lightbox: an image large with its seed; arrows (keys or buttons) move through its batch,
// "Compare" pins it beside the next one, Escape closes. Loading its graph is a button of its own.
import { useEffect } from 'react';
import {
  closeLightbox,
  type LightboxImage,
  lightbox,
  stepLightbox,
  toggleCompare,
} from '../store/lightbox.ts';
import { loadImageGraph } from '../store/past-runs.ts';
import { useSlice } from '../store/store.ts';

/** While open, the lightbox owns the keyboard: canvas shortcuts (Delete!) must not act behind it. */
function useLightboxKeys(open: boolean): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      e.stopImmediatePropagation();
      if (e.key === 'Escape') closeLightbox();
      else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') stepLightbox(1);
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') stepLightbox(-1);
      else if (e.key === 'c') toggleCompare();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [open]);
}

function Shot({ image, testId }: { image: LightboxImage; testId: string }) {
  return (
    <figure className="dg-lightbox-shot" data-testid={testId}>
      <img className="dg-lightbox-img" src={image.url} alt={image.caption || 'output'} />
      <figcaption className="dg-lightbox-caption" data-testid={`${testId}-caption`}>
        {image.caption}
      </figcaption>
    </figure>
  );
}

export function Lightbox() {
  const open = useSlice(lightbox, (s) => s.open);
  useLightboxKeys(open !== null);
  if (!open) return null;
  const image = open.images[open.index];
  const pinned = open.pinned === null ? null : open.images[open.pinned];
  return (
    <div className="dg-lightbox" role="dialog" aria-label="Image viewer" data-testid="lightbox">
      <button type="button" className="dg-lightbox-backdrop" aria-label="Close" onClick={closeLightbox} />
      <div className={`dg-lightbox-stage ${pinned ? 'dg-lightbox-compare' : ''}`}>
        {pinned && <Shot image={pinned} testId="lightbox-pinned" />}
        <Shot image={image} testId="lightbox-image" />
      </div>
      <div className="dg-lightbox-bar">
        <button
          type="button"
          onClick={() => stepLightbox(-1)}
          title="Previous (←)"
          data-testid="lightbox-prev"
        >
          ←
        </button>
        <span data-testid="lightbox-position">
          {open.index + 1} / {open.images.length}
        </span>
        <button type="button" onClick={() => stepLightbox(1)} title="Next (→)" data-testid="lightbox-next">
          →
        </button>
        <button
          type="button"
          className={pinned ? 'dg-on' : ''}
          onClick={toggleCompare}
          title="Pin this image and compare it with another (C)"
          data-testid="lightbox-compare"
        >
          {pinned ? 'Stop comparing' : 'Compare'}
        </button>
        <button
          type="button"
          onClick={() => {
            closeLightbox();
            void loadImageGraph(image);
          }}
          title="Open the graph that made this image"
          data-testid="lightbox-load-graph"
        >
          Load graph
        </button>
        <a href={image.url} target="_blank" rel="noreferrer">
          Open file
        </a>
        <button type="button" onClick={closeLightbox} title="Close (Esc)" data-testid="lightbox-close">
          ✕
        </button>
      </div>
    </div>
  );
}
