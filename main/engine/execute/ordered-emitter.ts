// Delivers a run's events strictly in order, even though a progress event with a preview is only
// ready once its PNG is encoded. Events go out synchronously while nothing is pending.
import type { PreviewImage } from '../../../nodes/api.ts';
import type { EngineEvent } from '../events.ts';
import { previewToDataUrl } from './preview.ts';

type ProgressEvent = Extract<EngineEvent, { type: 'node-progress' }>;

export class OrderedEmitter {
  private tail: Promise<void> | null = null;

  constructor(
    private readonly listener: ((event: EngineEvent) => void) | undefined,
    private readonly onListenerError: (error: unknown) => void,
  ) {}

  emit(event: EngineEvent): void {
    if (this.tail) this.chain(async () => this.deliver(event));
    else this.deliver(event);
  }

  /** A progress event whose preview is encoded first; a preview that fails to encode is dropped. */
  emitWithPreview(event: ProgressEvent, preview: PreviewImage): void {
    const encoded = previewToDataUrl(preview).catch((error: unknown) => {
      this.onListenerError(error);
      return undefined;
    });
    this.chain(async () => {
      const image = await encoded;
      this.deliver(image ? { ...event, preview: image } : event);
    });
  }

  /** Resolves once every event emitted so far has been delivered. */
  async flush(): Promise<void> {
    while (this.tail) await this.tail;
  }

  private chain(task: () => Promise<void>): void {
    const next = (this.tail ?? Promise.resolve()).then(task);
    this.tail = next;
    void next.then(() => {
      if (this.tail === next) this.tail = null;
    });
  }

  private deliver(event: EngineEvent): void {
    if (!this.listener) return;
    try {
      this.listener(event);
    } catch (error) {
      this.onListenerError(error);
    }
  }
}
