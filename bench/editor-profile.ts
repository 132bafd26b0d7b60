// scratch: breakdown of main-thread work during drag/pan
import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { ensureEditorBuilt } from '../test/browser/support/build.ts';
import { startEditorServer } from '../test/browser/support/server.ts';
import { largeGraph } from './editor-graph.ts';

const FLAGS = ['--headless','--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-frame-rate-limit','--disable-gpu-vsync'];
type Ev = { name: string; ph: string; tid: number; dur?: number; tdur?: number; args?: any; cat?: string };
async function trace(page: Page, action: () => Promise<void>) {
  const cdp = await page.context().newCDPSession(page);
  const events: Ev[] = [];
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as any)));
  const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink,cc,__metadata', transferMode: 'ReportEvents' });
  if (process.env.JSPROF) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 100 }); await cdp.send('Profiler.start'); }
  await page.evaluate(() => { (window as any).__renders = {}; });
  await action();
  console.log('  renders', JSON.stringify(await page.evaluate(() => (window as any).__renders)));
  if (process.env.JSPROF) {
    const { profile } = (await cdp.send('Profiler.stop')) as any;
    const self = new Map<string, number>();
    const dt = new Map<number, number>();
    for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
    const byId = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]));
    for (const [id, t] of dt) { const n = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + t / 1000); }
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`    js ${k.padEnd(50)} ${(v / 120).toFixed(2)}`);
    const incl = new Map<number, number>();
    const total = (id: number): number => { if (incl.has(id)) return incl.get(id)!; const n = byId.get(id); let t = (dt.get(id) ?? 0) / 1000; for (const c of n.children ?? []) t += total(c); incl.set(id, t); return t; };
    const byName = new Map<string, number>();
    const walk = (id: number, seen: Set<string>) => { const n = byId.get(id); const k = `${n.callFrame.functionName || '(anon)'}:${n.callFrame.lineNumber}`; if (!seen.has(k)) byName.set(k, (byName.get(k) ?? 0) + total(id)); const s2 = new Set(seen); s2.add(k); for (const c of n.children ?? []) walk(c, s2); };
    walk(profile.nodes[0].id, new Set());
    for (const [k, v] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(`    incl ${k.padEnd(50)} ${(v / 120).toFixed(2)}`);
  }
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')?.tid;
  const by = new Map<string, number>();
  for (const e of events) if (e.tid === main && e.ph === 'X') by.set(e.name, (by.get(e.name) ?? 0) + (e.tdur ?? 0) / 1000);
  const keys = ['RunTask','FunctionCall','HitTest','Layerize','Layout','UpdateLayoutTree','PrePaint','Paint','SelectionController::handleMouseDraggedEvent'];
  console.log('  per move: ' + keys.map((k) => `${k.replace('SelectionController::handleMouseDraggedEvent','SelDrag')}=${((by.get(k) ?? 0) / 120).toFixed(2)}`).join(' '));
  if (process.env.TOP) for (const [n, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${n.padEnd(50)} ${(v/120).toFixed(2)}`);
}
async function drag(page: Page, from: { x: number; y: number }, by: { x: number; y: number }, steps: number) {
  await page.mouse.move(from.x, from.y); await page.mouse.down();
  for (let i = 1; i <= steps; i++) await page.mouse.move(from.x + (by.x * i) / steps, from.y + (by.y * i) / steps);
  await page.mouse.up();
}
await ensureEditorBuilt();
const server = await startEditorServer();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
await page.addInitScript('window.__name = (f) => f');
await page.goto(server.url);
if (process.env.CSS) await page.addStyleTag({ content: process.env.CSS });
await page.getByTestId('canvas').waitFor();
await page.locator('.react-flow__node').first().waitFor();
const graph = largeGraph();
await page.evaluate((text) => { const dt = new DataTransfer(); dt.items.add(new File([text], 'large.json', { type: 'application/json' }));
  document.querySelector('[data-testid="canvas"]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })); }, JSON.stringify(graph));
await page.waitForTimeout(3000);
console.log('transform', await page.evaluate(() => (document.querySelector('.react-flow__viewport') as HTMLElement).style.transform));
console.log('layers?', await page.evaluate(() => [...document.querySelectorAll('*')].filter((e) => { const c = getComputedStyle(e); return c.position !== 'static' || c.transform !== 'none'; }).length));
console.log('layer classes', await page.evaluate(() => { const m: Record<string, number> = {}; for (const e of document.querySelectorAll('*')) { const c = getComputedStyle(e); if (c.position !== 'static' || c.transform !== 'none') { const k = e.tagName + '.' + String(e.getAttribute('class') ?? '').split(' ')[0]; m[k] = (m[k] ?? 0) + 1; } } return Object.entries(m).filter(([, v]) => v > 5); }));
console.log('element classes', await page.evaluate(() => { const m: Record<string, number> = {}; for (const e of document.querySelectorAll('.react-flow__viewport *')) { const k = e.tagName + '.' + String(e.getAttribute('class') ?? '').split(' ')[0]; m[k] = (m[k] ?? 0) + 1; } return Object.entries(m).filter(([, v]) => v > 5); }));
console.log('elements', await page.evaluate(() => document.querySelectorAll('*').length));
await page.screenshot({ path: '/tmp/prof/large.png' });
const header = page.getByTestId('node-sampler_12').locator('.dg-node-header');
const box = (await header.boundingBox())!;
console.log('DRAG (120 moves)');
await trace(page, () => drag(page, { x: box.x + box.width / 2, y: box.y + box.height / 2 }, { x: 300, y: 200 }, 120));
const pane = await page.evaluate(() => { for (let y = 80; y < 900; y += 20) for (let x = 60; x < 1000; x += 20) if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y }; return null; });
console.log('PAN (120 moves)');
await trace(page, () => drag(page, pane!, { x: 400, y: 250 }, 120));
await browser.close(); await server.close();
