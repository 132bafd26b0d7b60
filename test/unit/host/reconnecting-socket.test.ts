import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReconnectingSocket, type SocketLike } from '../../../main/host/shared/reconnecting-socket.ts';

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  closed = false;
  close() {
    this.closed = true;
    this.onclose?.({});
  }
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ReconnectingSocket', () => {
  it('reconnects with doubling delays after drops, resets the delay once connected, stops on stop()', () => {
    const sockets: FakeSocket[] = [];
    const messages: string[] = [];
    const states: boolean[] = [];
    const socket = new ReconnectingSocket({
      url: 'ws://x/api/events',
      create: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      onMessage: (text) => messages.push(text),
      onConnection: (connected) => states.push(connected),
      minDelayMs: 100,
      maxDelayMs: 300,
    });
    socket.start();
    sockets[0].onopen?.({});
    sockets[0].onmessage?.({ data: '{"type":"queue"}' });
    sockets[0].onclose?.({});
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    sockets[1].onclose?.({});
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2].onopen?.({});
    sockets[2].onclose?.({});
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(4);
    socket.stop();
    expect(sockets[3].closed).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(sockets).toHaveLength(4);
    expect(messages).toEqual(['{"type":"queue"}']);
    expect(states).toEqual([true, false, false, true, false]);
  });
});
