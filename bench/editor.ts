// Editor bench: open a 500-node, 700-edge graph in Chromium and time the first full render, then
// the frames while dragging a node and while panning: zoomed in to about 100% over that node, and
// with the whole graph in view (about 10% zoom, every node and wire on screen).
// Method: 120 pointer moves each; for every move, the time from the pointer event to the task
// after the next animation frame (event handling, React, style, layout, paint and compositing
// commit all done: what a user waits for). Frame-rate limiting and vsync are off, so a frame's
// time is the work it took, not the wait for the display. Main-thread CPU per frame comes from a
// trace (thread time, so not inflated by other processes on a loaded machine).
// Run: npx tsx bench/editor.ts
// Before/after in one run: build an older editor into a folder and pass it, e.g.
//   git archive <commit> renderer main nodes vite.config.ts | tar -x -C /tmp/base
//   ln -s "$PWD/node_modules" /tmp/base/ && (cd /tmp/base && npx vite build --outDir /tmp/base-dist)
//   npx tsx bench/editor.ts --baseline /tmp/base-dist
// Both builds are then measured alternately (3 rounds each) and medians compared.
import { cpus, loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { ensureEditorBuilt } from '../test/browser/support/build.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../test/browser/support/chromium.ts';
import { startEditorServer } from '../test/browser/support/server.ts';
import { type FrameStats, mainThreadCpu, startFrameRecorder, stopFrameRecorder } from './editor-frames.ts';
import { largeGraph, wholeGraphViewport } from './editor-graph.ts';

// Frame-rate limiting and vsync off: a frame's time is its work, not the wait for the display.
const FLAGS = [...CHROMIUM_FLAGS, '--disable-frame-rate-limit', '--disable-gpu-vsync'];
const RENDER_TARGET_MS = 1500;
const FRAME_TARGET_MS = 16;

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
          // SVG wires, or (zoomed far out, in builds that have it) the wires drawn on one canvas.
          const svgWires = document.querySelectorAll('.react-flow__edge path.react-flow__edge-path').length;
          const layer = document.querySelector<HTMLElement>('[data-testid="wire-canvas"]');
          const wires = Math.max(svgWires, Number(layer?.dataset.wires ?? 0));
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

interface Result {
  renderMs: number;
  drag: FrameStats;
  pan: FrameStats;
  /** The same at about 100% zoom, where nodes draw their widgets (most editing happens there). */
  dragNear: FrameStats;
  panNear: FrameStats;
}

/** Drags the node by its header, then pans from empty canvas; frame stats of each. */
async function dragAndPan(page: Page): Promise<{ drag: FrameStats; pan: FrameStats }> {
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
  return { drag: dragStats, pan: await stopFrameRecorder(page, panCpu) };
}

/** Zooms in with the wheel over the node the bench drags, to about 100%. */
async function zoomIn(page: Page): Promise<void> {
  const box = await page.getByTestId('node-sampler_12').boundingBox();
  if (!box) throw new Error('node to zoom to is not on screen');
  await page.mouse.move(box.x + 5, box.y + 5);
  await wheelSteps(page, -240);
}

/** The same wheel steps the other way: back to the whole graph in view (the "fit view" phase). */
async function zoomOut(page: Page): Promise<void> {
  const canvas = await page.getByTestId('canvas').boundingBox();
  if (canvas) await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
  await wheelSteps(page, 240);
}

async function wheelSteps(page: Page, deltaY: number): Promise<void> {
  for (let i = 0; i < 7; i++) {
    await page.mouse.wheel(0, deltaY);
    await page.waitForTimeout(150);
  }
  await page.waitForTimeout(1000);
}

/** One full measurement in a fresh page: open the graph, drag a node, pan. */
async function measure(browser: Browser, url: string, graph: ReturnType<typeof largeGraph>): Promise<Result> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  try {
    // tsx keeps function names with a `__name` helper that page-side functions need too.
    await page.addInitScript('window.__name = (f) => f');
    await page.goto(url);
    await page.getByTestId('canvas').waitFor();
    await page.locator('.react-flow__node').first().waitFor();
    const nodeCount = Object.keys(graph.nodes).length;
    const canvas = await page.getByTestId('canvas').boundingBox();
    const viewport = wholeGraphViewport(graph, canvas?.width ?? 1300, canvas?.height ?? 900);
    const renderMs = await timeFirstRender(page, { ...graph, viewport }, nodeCount, graph.edges.length);
    await page.waitForTimeout(500);

    await zoomIn(page);
    const near = await dragAndPan(page);
    await zoomOut(page);
    const far = await dragAndPan(page);
    return { renderMs, drag: far.drag, pan: far.pan, dragNear: near.drag, panNear: near.pan };
  } finally {
    await page.close();
  }
}

function report(r: Result): void {
  console.log(line('first full render', r.renderMs, RENDER_TARGET_MS));
  console.log(line(`drag a node, p50 of ${r.drag.frames} frames`, r.drag.p50, FRAME_TARGET_MS));
  console.log(line('drag a node, p95', r.drag.p95, FRAME_TARGET_MS));
  console.log(`${'drag a node, worst frame'.padEnd(34)} ${r.drag.max.toFixed(1).padStart(8)} ms`);
  console.log(line('drag a node, main-thread CPU/frame', r.drag.cpuPerFrame, FRAME_TARGET_MS));
  console.log(line(`pan the canvas, p50 of ${r.pan.frames} frames`, r.pan.p50, FRAME_TARGET_MS));
  console.log(line('pan the canvas, p95', r.pan.p95, FRAME_TARGET_MS));
  console.log(`${'pan the canvas, worst frame'.padEnd(34)} ${r.pan.max.toFixed(1).padStart(8)} ms`);
  console.log(line('pan, main-thread CPU/frame', r.pan.cpuPerFrame, FRAME_TARGET_MS));
  console.log(line('at ~100% zoom: drag p50', r.dragNear.p50, FRAME_TARGET_MS));
  console.log(line('at ~100% zoom: drag p95', r.dragNear.p95, FRAME_TARGET_MS));
  console.log(line('at ~100% zoom: pan p50', r.panNear.p50, FRAME_TARGET_MS));
  console.log(line('at ~100% zoom: pan p95', r.panNear.p95, FRAME_TARGET_MS));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Baseline and current builds measured alternately in one run; medians and current/baseline ratios. */
function compare(base: Result[], current: Result[]): void {
  const rows: [string, (r: Result) => number][] = [
    ['first full render', (r) => r.renderMs],
    ['drag p50', (r) => r.drag.p50],
    ['drag p95', (r) => r.drag.p95],
    ['drag CPU/frame', (r) => r.drag.cpuPerFrame],
    ['pan p50', (r) => r.pan.p50],
    ['pan p95', (r) => r.pan.p95],
    ['pan CPU/frame', (r) => r.pan.cpuPerFrame],
    ['~100% zoom: drag p50', (r) => r.dragNear.p50],
    ['~100% zoom: pan p50', (r) => r.panNear.p50],
  ];
  console.log(
    `\nMedians of ${current.length} alternating rounds each   baseline    current   current/baseline`,
  );
  for (const [label, get] of rows) {
    const b = median(base.map(get));
    const c = median(current.map(get));
    console.log(
      `${label.padEnd(34)} ${b.toFixed(1).padStart(8)} ms ${c.toFixed(1).padStart(8)} ms   ${(c / b).toFixed(2)}x`,
    );
  }
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--baseline');
  const baselineDir = at > 0 ? process.argv[at + 1] : undefined;
  const rounds = baselineDir ? 3 : 1;
  await ensureEditorBuilt();
  const server = await startEditorServer();
  const baseline = baselineDir ? await startEditorServer({ staticDir: baselineDir }) : null;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
  try {
    const graph = largeGraph();
    console.log(
      `Editor bench: ${Object.keys(graph.nodes).length} nodes, ${graph.edges.length} edges, Chromium ${browser.version()} (software rendering)`,
    );
    const base: Result[] = [];
    const current: Result[] = [];
    for (let i = 0; i < rounds; i++) {
      if (baseline) base.push(await measure(browser, baseline.url, graph));
      current.push(await measure(browser, server.url, graph));
    }
    if (baseline) {
      console.log(`baseline build ${baselineDir}, last round:`);
      report(base[base.length - 1]);
      console.log('current build, last round:');
    }
    report(current[current.length - 1]);
    if (baseline) compare(base, current);
    const [load1] = loadavg();
    console.log(
      `(load average ${load1.toFixed(1)} on ${cpus().length} cores while measuring: wall times include waiting for a core;`,
      'CPU/frame is thread time and is not inflated by other processes)',
    );
  } finally {
    await browser.close();
    await server.close();
    await baseline?.close();
  }
}

await main();
