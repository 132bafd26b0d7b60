// A readable canvas, as a user sees it: the saved view comes back, the bundled font is used,
// wires of different types look different, widgets that do not apply are hidden, Ctrl+Shift+Enter
// queues ahead of waiting runs, and score nodes show their scores.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_ROOT } from '../../main/paths.ts';
import { SOCKET_TYPES } from '../../nodes/api.ts';
import { readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

const viewportOf = (page: Page) =>
  page.locator('.react-flow__viewport').evaluate((el) => {
    const m = new DOMMatrixReadOnly(getComputedStyle(el).transform);
    return { x: m.e, y: m.f, zoom: m.a };
  });

interface GraphJson {
  title?: string;
  nodes: Record<string, { type: string; widgets: Record<string, unknown>; position?: number[] }>;
  edges: { from: string[]; to: string[] }[];
}

async function defaultGraph(): Promise<GraphJson> {
  return JSON.parse(await readFile(join(APP_ROOT, 'graphs', 'default.json'), 'utf8'));
}

async function openFile(page: Page, name: string): Promise<void> {
  await page.getByTestId('open').click();
  await page.getByTestId(`open-graphs:${name}`).click();
  // Generous: a long run may be using every core while the file opens.
  await expect.poll(() => page.getByTestId('doc-name').textContent(), { timeout: 20_000 }).toBe(name);
}

describe('a readable canvas', () => {
  // A test that fails with runs queued must not leave the next one waiting behind them.
  afterEach(() => editor.server.cancelAllRuns());

  it('saves the view in the graph file and opens the file at that view', async () => {
    const { page, errors } = await editor.open();
    const fitted = await viewportOf(page);
    // Zoom in on the sampler and pan a little, as a user looking at one node would.
    const sampler = await page.getByTestId('node-sampler').boundingBox();
    await page.mouse.move((sampler?.x ?? 500) + 10, (sampler?.y ?? 300) + 10);
    for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -200);
    await page.waitForTimeout(400);
    const zoomed = await viewportOf(page);
    expect(zoomed.zoom).toBeGreaterThan(fitted.zoom * 1.2);
    // Looking around is not an edit.
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);

    await page.keyboard.press('Control+s');
    await page.getByTestId('save-as-name').fill('zoomed');
    await page.getByTestId('save-as-confirm').click();
    await expect.poll(() => page.getByTestId('doc-name').textContent()).toBe('zoomed.json');
    const onDisk = JSON.parse(await readFile(join(editor.server.paths.graphs, 'zoomed.json'), 'utf8'));
    expect(onDisk.viewport.zoom).toBeCloseTo(zoomed.zoom, 2);
    expect(onDisk.viewport.x).toBeCloseTo(zoomed.x, 0);
    expect(onDisk.viewport.y).toBeCloseTo(zoomed.y, 0);

    // Another window opens the file where it was left, not fitted.
    const other = await editor.open();
    await openFile(other.page, 'zoomed.json');
    await expect.poll(async () => (await viewportOf(other.page)).zoom).toBeCloseTo(onDisk.viewport.zoom, 2);
    const restored = await viewportOf(other.page);
    expect([Math.round(restored.x), Math.round(restored.y)]).toEqual([onDisk.viewport.x, onDisk.viewport.y]);
    await screenshot(other.page, 'saved-viewport-restored');
    expect([...errors, ...other.errors]).toEqual([]);
  }, 90_000);

  it('draws text in the bundled Inter font, loaded from the app itself', async () => {
    const { page, errors } = await editor.open();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const label = page.getByTestId('node-sampler').locator('.dg-label').first();
    expect(await label.evaluate((el) => getComputedStyle(el).fontFamily)).toMatch(/^"?Inter"?,/);
    await page.evaluate(() => document.fonts.ready);
    const faces = await page.evaluate(() =>
      [...document.fonts].filter((f) => f.family.replace(/"/g, '') === 'Inter').map((f) => f.status),
    );
    expect(faces).toContain('loaded');
    expect(await page.evaluate(() => document.fonts.check('600 13px Inter'))).toBe(true);
    // Every font file came from the editor's own server (the app works offline).
    const fontFiles = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((n) => /\.woff2?(\?|$)/.test(n)),
    );
    expect(fontFiles.length).toBeGreaterThan(0);
    for (const url of [...fontFiles, ...requests])
      expect(new URL(url).origin).toBe(new URL(editor.server.url).origin);
    expect(errors).toEqual([]);
  }, 60_000);

  it('draws VAE and LATENT wires in their own, clearly different colours', async () => {
    const { page, errors } = await editor.open();
    const stroke = (edgeId: string) =>
      page
        .locator(`[data-testid="rf__edge-${edgeId}"] path.react-flow__edge-path`)
        .evaluate((el) => getComputedStyle(el).stroke);
    const rgb = (hex: string) => {
      const n = Number.parseInt(hex.slice(1), 16);
      return `rgb(${n >> 16}, ${(n >> 8) & 255}, ${n & 255})`;
    };
    const vae = await stroke('load:vae->decode:vae');
    const latent = await stroke('sampler:latent->decode:latent');
    expect(vae).toBe(rgb(SOCKET_TYPES.VAE.color));
    expect(latent).toBe(rgb(SOCKET_TYPES.LATENT.color));
    expect(vae).not.toBe(latent);
    expect(errors).toEqual([]);
  }, 60_000);

  it('zoomed far out, draws every wire on one canvas layer, in the wire colours', async () => {
    const { page, errors } = await editor.open();
    for (let i = 0; i < 10 && (await viewportOf(page)).zoom >= 0.4; i++) {
      await page.locator('.react-flow__controls-zoomout').click();
      await page.waitForTimeout(150);
    }
    const edges = (await readDoc(page)).edges.length;
    const layer = page.getByTestId('wire-canvas');
    await expect.poll(() => layer.getAttribute('data-wires')).toBe(String(edges));
    expect(await page.locator('.react-flow__edge').count()).toBe(0);
    const vae = SOCKET_TYPES.VAE.color;
    const vaePixels = await layer.evaluate((el, hex) => {
      const canvas = el as HTMLCanvasElement;
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      const n = Number.parseInt(hex.slice(1), 16);
      const [r, g, b] = [n >> 16, (n >> 8) & 255, n & 255];
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        const near = Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40;
        if (near && data[i + 3] > 50) count++;
      }
      return count;
    }, vae);
    expect(vaePixels).toBeGreaterThan(20);
    await screenshot(page, 'wires-on-canvas-zoomed-out');
    expect(errors).toEqual([]);
  }, 60_000);

  it('shows eta and the Langevin widgets only for the samplers that use them, keeping their values', async () => {
    const { page, errors } = await editor.open();
    const shown = async () =>
      (
        await Promise.all(
          ['eta', 'langevin_steps', 'step_size'].map(async (w) =>
            (await page.getByTestId(`widget-sampler-${w}`).count()) > 0 ? w : null,
          ),
        )
      ).filter(Boolean);
    const pick = (name: string) => page.getByTestId('widget-sampler-sampler').selectOption(name);
    expect(await shown()).toEqual([]); // dpmpp_2m uses none of them
    await pick('ddim');
    expect(await shown()).toEqual(['eta']);
    await pick('annealed_langevin');
    expect(await shown()).toEqual(['langevin_steps', 'step_size']);
    await screenshot(page, 'sampler-widgets-annealed-langevin');
    await pick('langevin');
    expect(await shown()).toEqual(['step_size']);
    await pick('euler');
    expect(await shown()).toEqual([]);
    // Hidden, not dropped: the values stay in the document and in the saved file.
    const widgets = (await readDoc(page)).nodes.sampler.widgets;
    expect(widgets).toMatchObject({ sampler: 'euler', eta: 0, langevin_steps: 10, step_size: 0.1 });
    await page.keyboard.press('Control+s');
    await page.getByTestId('save-as-name').fill('hidden-widgets');
    await page.getByTestId('save-as-confirm').click();
    await expect.poll(() => page.getByTestId('doc-name').textContent()).toBe('hidden-widgets.json');
    const saved = JSON.parse(await readFile(join(editor.server.paths.graphs, 'hidden-widgets.json'), 'utf8'));
    expect(saved.nodes.sampler.widgets).toMatchObject({ eta: 0, langevin_steps: 10, step_size: 0.1 });
    expect(errors).toEqual([]);
  }, 60_000);

  it('Ctrl+Shift+Enter queues the graph ahead of the runs waiting', async () => {
    const slow = await defaultGraph();
    slow.title = 'Slow';
    // 100,000 model calls a run: minutes on any machine (1000 ddpm steps took ~1 s, too short
    // to still be running and queued while the test looks). Cancelled at the end.
    slow.nodes.sampler.widgets.sampler = 'annealed_langevin';
    slow.nodes.sampler.widgets.langevin_steps = 100;
    slow.nodes.schedule.widgets.steps = 1000;
    slow.nodes.latent.widgets.batch = 8;
    await writeFile(join(editor.server.paths.graphs, 'slow.json'), JSON.stringify(slow));
    const urgent = await defaultGraph();
    urgent.title = 'Urgent';
    await writeFile(join(editor.server.paths.graphs, 'urgent.json'), JSON.stringify(urgent));

    const { page, errors } = await editor.open();
    await openFile(page, 'slow.json');
    // Queue ×4 validates once and queues four runs at once (validation waits for a busy engine).
    await page.getByTestId('queue-count').fill('4');
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.getByTestId('queue-item').count(), { timeout: 30_000 }).toBe(4);
    await page.getByTestId('queue-count').fill('1');
    await openFile(page, 'urgent.json');
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+Shift+Enter');
    const titles = () =>
      page
        .getByTestId('queue-item')
        .evaluateAll((els) =>
          els.map(
            (e) =>
              `${e.querySelector('.dg-queue-title')?.textContent}:${e.className.match(/dg-(running|queued)/)?.[1]}`,
          ),
        );
    await expect.poll(async () => (await titles()).join(), { timeout: 90_000 }).toContain('Urgent');
    const [running, next, ...rest] = await titles();
    // Ahead of every waiting run, behind only the one already running.
    expect(running).toBe('Slow:running');
    expect(next).toBe('Urgent:queued');
    expect(rest.length).toBeGreaterThan(0);
    expect(new Set(rest)).toEqual(new Set(['Slow:queued']));
    await screenshot(page, 'queue-at-front');
    // Leave the engine idle for the next test: cancel the waiting runs from the back, so that none
    // of them starts (and re-renders its row) while the next is clicked, then the running one.
    const ids = await page
      .getByTestId('queue-item')
      .evaluateAll((els) => els.map((e) => e.querySelector('button')?.getAttribute('data-testid')));
    for (const [left, id] of ids.reverse().entries()) {
      if (!id) continue;
      await page.getByTestId(id).click();
      await expect
        .poll(() => page.getByTestId('queue-item').count(), { timeout: 30_000 })
        .toBe(ids.length - left - 1);
    }
    await expect.poll(() => page.getByTestId('queue-item').count(), { timeout: 30_000 }).toBe(0);
    expect(errors).toEqual([]);
  }, 120_000);

  it('shows the scores of FID and KID on their nodes after a run', async () => {
    const graph = await defaultGraph();
    graph.title = 'Scores';
    graph.nodes.latent.widgets.batch = 4;
    graph.nodes.schedule.widgets.steps = 8;
    for (const type of ['FID', 'KID']) {
      graph.nodes[type.toLowerCase()] = {
        type,
        widgets: { device: 'cpu' },
        position: [1360, type === 'FID' ? 560 : 760],
      };
      graph.edges.push({ from: ['decode', 'image'], to: [type.toLowerCase(), 'images'] });
    }
    await writeFile(join(editor.server.paths.graphs, 'scores.json'), JSON.stringify(graph));
    const { page, errors } = await editor.open();
    await openFile(page, 'scores.json');
    await page.getByTestId('run').click();
    const fid = page.getByTestId('value-fid-fid');
    await fid.waitFor({ timeout: 90_000 });
    expect(Number(await fid.textContent())).toBeGreaterThan(0);
    const kid = Number(await page.getByTestId('value-kid-kid').textContent());
    expect(Number.isFinite(kid)).toBe(true);
    expect(await page.getByTestId('values-kid').textContent()).toContain('kid_std');
    await page.getByTestId('node-fid').scrollIntoViewIfNeeded();
    await screenshot(page, 'scores-on-nodes');
    expect(errors).toEqual([]);
  }, 120_000);
});
