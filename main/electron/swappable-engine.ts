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
  run = (doc: unknown, onEvent?: (event: EngineEvent) => void) => this.current.run(doc, onEvent);
  cancel = (runId?: string) => this.current.cancel(runId);
  listModels = () => this.current.listModels();
  loadedModels = () => this.current.loadedModels();
  unloadModels = () => this.current.unloadModels();
  devices = () => this.current.devices();
  close = () => this.current.close();
}
