// What the ComfyUI-compatible API remembers: queued prompts (ComfyUI id ↔ Diffgraph run id), the
// history, and the translation of engine events into ComfyUI's WebSocket messages.
import { basename, dirname, relative, sep } from 'node:path';
import type { HostCore } from '../../host/host-core.ts';
import type { HostEvent } from '../../host/shared/api.ts';
import { SCHEDULE_SUFFIX } from '../../interop/comfy/classes-sampling.ts';
import { ComfyHistory, type ComfyImageRef, type HistoryEntry } from './history.ts';

export interface ComfyMessage {
  type: string;
  data: Record<string, unknown>;
}

/**
 * A preview as ComfyUI frames it on the WebSocket (server.py send_image): a 4-byte big-endian event
 * type (1 = PREVIEW_IMAGE), a 4-byte image format (1 = JPEG, 2 = PNG), then the image bytes.
 */
export function previewFrame(dataUrl: string): Buffer | null {
  const match = /^data:image\/(png|jpeg);base64,(.*)$/.exec(dataUrl);
  if (!match) return null;
  const header = Buffer.alloc(8);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(match[1] === 'png' ? 2 : 1, 4);
  return Buffer.concat([header, Buffer.from(match[2], 'base64')]);
}

interface PendingPrompt {
  promptId: string;
  number: number;
  prompt: Record<string, unknown>;
  clientId?: string;
  outputs: HistoryEntry['outputs'];
  cached: Set<string>;
}

export class ComfyState {
  readonly history: ComfyHistory;
  private readonly byRun = new Map<string, PendingPrompt>();
  private readonly listeners = new Set<(message: ComfyMessage | Buffer, clientId?: string) => void>();
  private counter = 0;

  constructor(private readonly core: HostCore) {
    this.history = new ComfyHistory(core.paths.output);
    core.onEvent((event) => this.translate(event));
  }

  onMessage(listener: (message: ComfyMessage | Buffer, clientId?: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  track(runId: string, prompt: Record<string, unknown>, clientId?: string, front = false): number {
    const number = front ? -this.counter++ : this.counter++;
    this.byRun.set(runId, { promptId: runId, number, prompt, clientId, outputs: {}, cached: new Set() });
    return number;
  }

  pending(): PendingPrompt[] {
    return [...this.byRun.values()];
  }

  queueRemaining(): number {
    return this.byRun.size;
  }

  /** A Diffgraph node id back to the ComfyUI node it came from (`3.schedule` → `3`). */
  private comfyId(p: PendingPrompt, nodeId: string): string {
    if (nodeId.endsWith(SCHEDULE_SUFFIX)) {
      const base = nodeId.slice(0, -SCHEDULE_SUFFIX.length);
      if (Object.hasOwn(p.prompt, base)) return base;
    }
    return nodeId;
  }

  private imageRef(path: string): ComfyImageRef {
    const rel = relative(this.core.paths.output, path);
    const sub = dirname(rel);
    return {
      filename: basename(rel),
      subfolder: sub === '.' ? '' : sub.split(sep).join('/'),
      type: 'output',
    };
  }

  private emit(p: PendingPrompt, type: string, data: Record<string, unknown>): void {
    for (const listener of this.listeners)
      listener({ type, data: { ...data, prompt_id: p.promptId } }, p.clientId);
  }

  emitStatus(): void {
    const data = { status: { exec_info: { queue_remaining: this.queueRemaining() } } };
    for (const listener of this.listeners) listener({ type: 'status', data });
  }

  private translate(event: HostEvent): void {
    if (!('runId' in event)) return;
    const p = this.byRun.get(event.runId);
    if (!p) return;
    if (event.type === 'run-done' || event.type === 'run-failed' || event.type === 'run-cancelled') {
      void this.finish(p, event);
      return;
    }
    const message = this.messageFor(p, event);
    if (message) this.emit(p, message[0], message[1]);
    const frame =
      event.type === 'node-progress' && event.preview ? previewFrame(event.preview.dataUrl) : null;
    if (frame) for (const listener of this.listeners) listener(frame, p.clientId);
  }

  /** The ComfyUI message for one engine event during a run (null: none). */
  private messageFor(p: PendingPrompt, event: HostEvent): [string, Record<string, unknown>] | null {
    const timestamp = Date.now();
    switch (event.type) {
      case 'run-started':
        return ['execution_start', { timestamp }];
      case 'node-cached':
        p.cached.add(this.comfyId(p, event.nodeId));
        return ['execution_cached', { nodes: [...p.cached], timestamp }];
      case 'node-started': {
        const node = this.comfyId(p, event.nodeId);
        return ['executing', { node, display_node: node }];
      }
      case 'node-progress':
        return ['progress', { value: event.step, max: event.total, node: this.comfyId(p, event.nodeId) }];
      case 'node-output': {
        if (event.file.kind !== 'image') return null;
        const node = this.comfyId(p, event.nodeId);
        const image = this.imageRef(event.file.path);
        p.outputs[node] = { images: [...(p.outputs[node]?.images ?? []), image] };
        return ['executed', { node, display_node: node, output: { images: [image] } }];
      }
      default:
        return null;
    }
  }

  private async finish(p: PendingPrompt, event: HostEvent): Promise<void> {
    this.byRun.delete(p.promptId);
    const ok = event.type === 'run-done';
    const messages: [string, unknown][] = [];
    if (event.type === 'run-failed') {
      const node = event.nodeId === null ? null : this.comfyId(p, event.nodeId);
      const error = { node_id: node, exception_message: event.message, exception_type: 'DiffgraphError' };
      messages.push(['execution_error', error]);
      this.emit(p, 'execution_error', error);
    } else if (event.type === 'run-cancelled') {
      messages.push(['execution_interrupted', {}]);
      this.emit(p, 'execution_interrupted', { node_id: null, executed: [] });
    }
    const entry: HistoryEntry = {
      prompt: [p.number, p.promptId, p.prompt, { client_id: p.clientId }, Object.keys(p.outputs)],
      outputs: p.outputs,
      status: { status_str: ok ? 'success' : 'error', completed: ok, messages },
    };
    await this.history.set(p.promptId, entry);
    if (ok) this.emit(p, 'execution_success', { timestamp: Date.now() });
    this.emit(p, 'executing', { node: null });
    this.emitStatus();
  }
}
