// Lets the shell restart the engine (new models folder or device) under a host core that keeps
// its subscribers: calls go to the current engine; swap() closes the old one.
import type { EngineEvent } from '../engine/events.ts';
import type { EngineLike } from '../host/engine-like.ts';

export class SwappableEngine implements EngineLike {
  constructor(private current: EngineLike) {}

  async swap(next: EngineLike): Promise<void> {
    const old = this.current;
    this.current = next;
    await old.close();
  }

  catalogue = () => this.current.catalogue();
  validate = (doc: unknown) => this.current.validate(doc);
  // The options carry the host's run id, which cancel() later names.
  run = (doc: unknown, onEvent?: (event: EngineEvent) => void, options?: { runId?: string }) =>
    this.current.run(doc, onEvent, options);
  cancel = (runId?: string) => this.current.cancel(runId);
  listModels = () => this.current.listModels();
  loadedModels = () => this.current.loadedModels();
  unloadModels = () => this.current.unloadModels();
  devices = () => this.current.devices();
  modelRefs = (doc: unknown) => this.current.modelRefs(doc);
  close = () => this.current.close();
}
