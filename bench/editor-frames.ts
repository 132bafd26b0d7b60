// Frame measurement for the editor bench: in the page, each frame's time from the pointer event
// that caused it to the task after its rendering; and the renderer main thread's CPU time from a
// DevTools trace (thread time, not inflated by other processes).
import type { Page } from 'playwright-core';

export interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  /** Renderer main-thread CPU time per frame (thread time: not inflated by other processes). */
  cpuPerFrame: number;
}

/** Traces the renderer while `action` runs; returns the main thread's CPU ms (sum of task thread time). */
export async function mainThreadCpu(page: Page, action: () => Promise<void>): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  const events: { name: string; ph: string; tid: number; tdur?: number; args?: { name?: string } }[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as typeof events)));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,__metadata',
    transferMode: 'ReportEvents',
  });
  await action();
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  const tasks = events.filter((e) => e.tid === main && e.ph === 'X' && e.name === 'RunTask');
  return tasks.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000;
}

/** Starts recording, in the page, how long each frame took from the pointer event that caused it. */
export async function startFrameRecorder(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { frameCosts: number[]; stopFrames: () => void };
    w.frameCosts = [];
    let pending: number | null = null;
    const onMove = () => {
      if (pending !== null) return;
      pending = performance.now();
      requestAnimationFrame(() => {
        // The task after the frame's rendering: event handling + React + layout + paint are done.
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          w.frameCosts.push(performance.now() - (pending as number));
          pending = null;
        };
        channel.port2.postMessage(0);
      });
    };
    window.addEventListener('pointermove', onMove, true);
    w.stopFrames = () => window.removeEventListener('pointermove', onMove, true);
  });
}

export async function stopFrameRecorder(page: Page, cpuMs: number): Promise<FrameStats> {
  const costs = await page.evaluate(() => {
    const w = window as unknown as { frameCosts: number[]; stopFrames: () => void };
    w.stopFrames();
    return w.frameCosts;
  });
  const sorted = [...costs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    frames: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1],
    cpuPerFrame: cpuMs / sorted.length,
  };
}
