// Editor bench: open a 500-node, 700-edge graph in Chromium and time the first full render, then
// the frames while dragging a node and while panning. Frame-rate limiting and vsync are off, so
// a frame's time is the work it took, not the wait for the display.
// Run: npx tsx bench/editor.ts
import { cpus, loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { ensureEditorBuilt } from '../test/browser/support/build.ts';
import { startEditorServer } from '../test/browser/support/server.ts';
import { largeGraph } from './editor-graph.ts';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-frame-rate-limit',
  '--disable-gpu-vsync',
];
const RENDER_TARGET_MS = 1500;
const FRAME_TARGET_MS = 16;

interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  max: number;
  /** Renderer main-thread CPU time per frame (thread time: not inflated by other processes). */
  cpuPerFrame: number;
}

/** Traces the renderer while `action` runs; returns the main thread's CPU ms (sum of task thread time). */
async function mainThreadCpu(page: Page, action: () => Promise<void>): Promise<number> {
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

/** Opens the graph by dropping it on the canvas; resolves with ms until every node and wire is drawn. */
async function timeFirstRender(page: Page, graph: unknown, nodes: number, edges: number): Promise<number> {
  return page.evaluate(
    ({ text, nodes, edges }) =>
      new Promise<number>((resolve, reject) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'large.json', { type: 'application/json' }));
        const canvas = document.querySelector('[data-testid="canvas"]') as HTMLElement;
        const start = performance.now();
        canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        const check = () => {
          const drawn = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].filter(
            (n) => n.style.visibility !== 'hidden',
          );
          const wires = document.querySelectorAll('.react-flow__edge path.react-flow__edge-path').length;
          if (drawn.length === nodes && wires === edges) return resolve(performance.now() - start);
          if (performance.now() - start > 60_000)
            return reject(new Error(`only ${drawn.length} nodes, ${wires} wires drawn`));
          requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    { text: JSON.stringify(graph), nodes, edges },
  );
}

/** Starts recording, in the page, how long each frame took from the pointer event that caused it. */
async function startFrameRecorder(page: Page): Promise<void> {
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

async function stopFrameRecorder(page: Page, cpuMs: number): Promise<FrameStats> {
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

async function drag(
  page: Page,
  from: { x: number; y: number },
  by: { x: number; y: number },
  steps: number,
): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++)
    await page.mouse.move(from.x + (by.x * i) / steps, from.y + (by.y * i) / steps);
  await page.mouse.up();
}

/** A point on the empty canvas (the pane, not a node), for panning. */
async function emptyPoint(page: Page): Promise<{ x: number; y: number }> {
  const point = await page.evaluate(() => {
    for (let y = 80; y < 900; y += 20) {
      for (let x = 60; x < 1000; x += 20) {
        if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
      }
    }
    return null;
  });
  if (!point) throw new Error('no empty canvas to pan from');
  return point;
}

function line(label: string, value: number, target: number): string {
  const ok = value < target ? 'ok' : 'OVER';
  return `${label.padEnd(34)} ${value.toFixed(1).padStart(8)} ms   target < ${target} ms   ${(value / target).toFixed(2)}x of target  ${ok}`;
}

async function main(): Promise<void> {
  await ensureEditorBuilt();
  const server = await startEditorServer();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // tsx keeps function names with a `__name` helper that page-side functions need too.
    await page.addInitScript('window.__name = (f) => f');
    await page.goto(server.url);
    await page.getByTestId('canvas').waitFor();
    await page.locator('.react-flow__node').first().waitFor();
    const graph = largeGraph();
    const nodeCount = Object.keys(graph.nodes).length;
    const renderMs = await timeFirstRender(page, graph, nodeCount, graph.edges.length);
    await page.waitForTimeout(500);

    const header = page.getByTestId('node-sampler_12').locator('.dg-node-header');
    const box = await header.boundingBox();
    if (!box) throw new Error('node to drag is not on screen');
    await startFrameRecorder(page);
    const dragCpu = await mainThreadCpu(page, () =>
      drag(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, { x: 300, y: 200 }, 120),
    );
    const dragStats = await stopFrameRecorder(page, dragCpu);

    const pane = await emptyPoint(page);
    await startFrameRecorder(page);
    const panCpu = await mainThreadCpu(page, () => drag(page, pane, { x: 400, y: 250 }, 120));
    const panStats = await stopFrameRecorder(page, panCpu);

    console.log(
      `Editor bench: ${nodeCount} nodes, ${graph.edges.length} edges, Chromium ${browser.version()} (software rendering)`,
    );
    console.log(line('first full render', renderMs, RENDER_TARGET_MS));
    console.log(line(`drag a node, p50 of ${dragStats.frames} frames`, dragStats.p50, FRAME_TARGET_MS));
    console.log(line('drag a node, p95', dragStats.p95, FRAME_TARGET_MS));
    console.log(`${'drag a node, worst frame'.padEnd(34)} ${dragStats.max.toFixed(1).padStart(8)} ms`);
    console.log(line('drag a node, main-thread CPU/frame', dragStats.cpuPerFrame, FRAME_TARGET_MS));
    console.log(line(`pan the canvas, p50 of ${panStats.frames} frames`, panStats.p50, FRAME_TARGET_MS));
    console.log(line('pan the canvas, p95', panStats.p95, FRAME_TARGET_MS));
    console.log(`${'pan the canvas, worst frame'.padEnd(34)} ${panStats.max.toFixed(1).padStart(8)} ms`);
    console.log(line('pan, main-thread CPU/frame', panStats.cpuPerFrame, FRAME_TARGET_MS));
    const [load1] = loadavg();
    console.log(
      `(load average ${load1.toFixed(1)} on ${cpus().length} cores while measuring: wall times include waiting for a core;`,
      'CPU/frame is thread time and is not inflated by other processes)',
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
