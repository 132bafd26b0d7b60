// The images a node wrote in the latest run: one shows large; a batch shows as a grid with its
// count, each tile captioned with its own seed. A click opens the lightbox on that image.
import { editor } from '../store/editor.ts';
import { type LightboxImage, openLightbox, seedCaption } from '../store/lightbox.ts';
import type { NodeRunState } from '../store/run-state.ts';
import { useSlice } from '../store/store.ts';

/** Columns of a batch grid: 2 up to four images, then 4 (16 images: 4 x 4). */
function columnsFor(count: number): number {
  return count <= 1 ? 1 : count <= 4 ? 2 : 4;
}

export function NodeImages({ id, run }: { id: string; run: NodeRunState }) {
  // A node only shows images of the run on display, so that run made them.
  const runId = useSlice(editor, (s) => s.run.runId);
  const urls = run.images ?? [];
  if (urls.length === 0) return null;
  const shots: LightboxImage[] = urls.map((url, i) => ({
    url,
    caption: seedCaption(run.imageSeeds?.[i] ?? undefined),
    from: 'live',
    ...(runId ? { runId } : {}),
  }));
  const columns = columnsFor(urls.length);
  return (
    <div className={`dg-images ${columns > 1 ? 'dg-image-grid' : ''}`} data-testid={`images-${id}`}>
      {urls.length > 1 && (
        <div className="dg-image-count" data-testid={`image-count-${id}`}>
          {urls.length} images
        </div>
      )}
      <div className="dg-image-tiles" style={{ gridTemplateColumns: `repeat(${columns}, 1fr)` }}>
        {shots.map((shot, i) => (
          <figure key={shot.url} className="dg-image-tile">
            <button
              type="button"
              className="nodrag"
              onClick={() => openLightbox(shots, i)}
              title={shot.caption ? `${shot.caption}: view larger` : 'View larger'}
            >
              <img src={shot.url} alt="output" data-testid={`image-${id}`} />
            </button>
            {shot.caption && <figcaption data-testid={`image-caption-${id}`}>{shot.caption}</figcaption>}
          </figure>
        ))}
      </div>
    </div>
  );
}
