// Fans host events out to every subscriber (editor windows, WebSocket clients). A listener that
// throws is reported once on the console and does not stop the others.
import type { HostEvent } from './shared/api.ts';

export type HostEventListener = (event: HostEvent) => void;

export class EventHub {
  private readonly listeners = new Set<HostEventListener>();

  subscribe(listener: HostEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: HostEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error('diffgraph: an event listener failed:', error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
