// The utility-process protocol over an in-memory port pair that copies messages with
// structuredClone, as Electron's ports do.
import { describe, expect, it } from 'vitest';
import {
  type ChildPort,
  EngineBridgeClient,
  type FromEngine,
  type ParentPort,
  serveEngine,
  type ToEngine,
} from '../../../main/electron/engine-bridge.ts';
import type { EngineEvent } from '../../../main/engine/events.ts';
import { SwappableEngine } from '../../../main/engine/transport/swappable-engine.ts';
import { FakeEngine, settle } from '../host/fake-engine.ts';

function portPair() {
  const toChild: ((m: ToEngine) => void)[] = [];
  const toParent: ((m: FromEngine) => void)[] = [];
  const exitListeners: ((code: number) => void)[] = [];
  const sentToChild: ToEngine[] = [];
  let killed = false;
  const child: ChildPort = {
    postMessage: (m) => {
      sentToChild.push(m);
      queueMicrotask(() => {
        for (const l of toChild) l(structuredClone(m));
      });
    },
    onMessage: (l) => toParent.push(l),
    onExit: (l) => exitListeners.push(l),
    kill: () => {
      killed = true;
    },
  };
  const parent: ParentPort = {
    postMessage: (m) =>
      queueMicrotask(() => {
        for (const l of toParent) l(structuredClone(m));
      }),
    onMessage: (l) => toChild.push(l),
  };
  return {
    child,
    parent,
    sentToChild,
    exit: (code: number) => {
      for (const l of exitListeners) l(code);
    },
    killed: () => killed,
  };
}

describe('engine bridge', () => {
  it('waits for the engine to be ready before sending calls', async () => {
    const ports = portPair();
    const client = new EngineBridgeClient(ports.child);
    const pending = client.catalogue();
    await settle();
    expect(ports.sentToChild).toEqual([]);
    serveEngine(new FakeEngine(), ports.parent);
    expect((await pending).map((n) => n.type)).toEqual(['Int']);
  });

  it('forwards calls, run events in order, the run id, and cancellation', async () => {
    const ports = portPair();
    const engine = new FakeEngine();
    serveEngine(engine, ports.parent);
    const client = new EngineBridgeClient(ports.child);
    expect(await client.validate({ nodes: {} })).toEqual([
      { nodeId: null, code: 'no-output-node', message: 'the graph has no output node' },
    ]);
    expect(await client.devices()).toMatchObject({ auto: 'cpu' });
    engine.modelRefsAnswer = [{ name: 'sd', sha256: 'a'.repeat(64) }];
    const graph = { nodes: { load: { type: 'LoadPipeline', widgets: { model: 'sd' } } } };
    expect(await client.modelRefs(graph)).toEqual([{ name: 'sd', sha256: 'a'.repeat(64) }]);
    expect(engine.modelRefsCalls).toEqual([graph]);
    const events: EngineEvent[] = [];
    const run = client.run({ nodes: { a: {} } }, (e) => events.push(e), { runId: 'r1' });
    await settle();
    expect(engine.active?.engineRunId).toBe('r1');
    client.cancel('r1');
    expect(await run).toEqual({ runId: 'r1', status: 'cancelled', ms: 1, outputs: [] });
    expect(events.map((e) => e.type)).toEqual(['run-started', 'run-cancelled']);
    expect(engine.cancelCalls).toEqual(['r1']);
  });

  it('answers only the method table: any other method name is refused, not looked up', async () => {
    const ports = portPair();
    const engine = new FakeEngine();
    const replies: FromEngine[] = [];
    ports.child.onMessage((m) => replies.push(m));
    serveEngine(engine, ports.parent);
    for (const method of ['close', 'constructor', 'take']) {
      ports.child.postMessage({ kind: 'call', id: 7, method, args: [] } as unknown as ToEngine);
    }
    await settle();
    expect(
      replies.filter((m) => m.kind === 'reply').map((m) => m.kind === 'reply' && !m.ok && m.message),
    ).toEqual([
      'unknown engine method "close"',
      'unknown engine method "constructor"',
      'unknown engine method "take"',
    ]);
    expect(engine.closed).toBe(false);
  });

  it('passes engine errors back as rejections with their message', async () => {
    const ports = portPair();
    const engine = new FakeEngine();
    engine.listModels = async () => {
      throw new Error('models folder unreadable');
    };
    serveEngine(engine, ports.parent);
    await expect(new EngineBridgeClient(ports.child).listModels()).rejects.toThrow(
      'models folder unreadable',
    );
  });

  it('ends the run in progress as failed and fails later calls when the utility process exits', async () => {
    const ports = portPair();
    const engine = new FakeEngine();
    serveEngine(engine, ports.parent);
    const client = new EngineBridgeClient(ports.child);
    await client.ready;
    const run = client.run({ nodes: {} });
    await settle();
    ports.exit(9);
    // Like EngineClient over its worker: run never rejects, a lost engine is a failed run.
    expect(await run).toMatchObject({
      status: 'failed',
      error: { nodeId: null, message: 'the engine process exited (code 9)' },
    });
    await expect(client.catalogue()).rejects.toThrow('exited');
  });

  it('closes the engine, then kills a process that does not exit by itself', async () => {
    const ports = portPair();
    const engine = new FakeEngine();
    let closedCallback = false;
    serveEngine(engine, ports.parent, () => {
      closedCallback = true;
    });
    const client = new EngineBridgeClient(ports.child, 50);
    await client.close();
    expect(engine.closed).toBe(true);
    expect(closedCallback).toBe(true);
    expect(ports.killed()).toBe(true);
  });
});

describe('SwappableEngine', () => {
  it('passes the host run id on, so cancelling by that id reaches the run', async () => {
    const engine = new FakeEngine();
    const swappable = new SwappableEngine(engine);
    const run = swappable.run({ nodes: {} }, undefined, { runId: 'host-1' });
    expect(engine.active?.engineRunId).toBe('host-1');
    swappable.cancel('host-1');
    expect(await run).toMatchObject({ runId: 'host-1', status: 'cancelled' });
    engine.modelRefsAnswer = [{ name: 'x', sha256: 'b'.repeat(64) }];
    expect(await swappable.modelRefs({})).toEqual([{ name: 'x', sha256: 'b'.repeat(64) }]);
  });
});
