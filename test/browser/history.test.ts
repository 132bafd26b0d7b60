// As a user sees them: a batch on its node is a grid with a count and each image's own seed; the
// lightbox steps through the batch, compares two images and closes with Escape; the history tab
// reads the output folder (so a reload keeps it) and re-runs, loads and deletes runs, never a file
// outside the output folder; the templates browser shows a thumbnail of what each template makes.
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { BUNDLED_GRAPHS_DIR, BUNDLED_MODELS_DIR } from '../../main/paths.ts';
import { unshippedModels } from '../../scripts/template-thumbnails/shipped-models.ts';
import { readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

const text = (page: Page, testId: string) => page.getByTestId(testId).textContent();

async function setNumber(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).locator('.dg-number-body').click();
  await page.keyboard.type(value);
  await page.keyboard.press('Enter');
}

async function savedImages(): Promise<string[]> {
  return (await readdir(editor.server.paths.output)).filter((name) => name.endsWith('.png')).sort();
}

describe('batches, the lightbox and the history', () => {
  it('shows a batch of 16 as a grid, views it in the lightbox, and keeps the run after a reload', async () => {
    const { page, errors } = await editor.open();
    await setNumber(page, 'widget-latent-batch', '16');
    const ran = await readDoc(page);
    expect(ran.nodes.latent.widgets.batch).toBe(16);
    const seed = ran.nodes.sampler.widgets.seed as number;
    await page.getByTestId('run').click();

    // The node shows a grid with the count, not 16 full-size images; each tile has its own seed.
    await expect.poll(() => page.getByTestId('image-save').count(), { timeout: 60_000 }).toBe(16);
    expect(await text(page, 'image-count-save')).toBe('16 images');
    const captions = await page.getByTestId('image-caption-save').allTextContents();
    expect(captions).toEqual(Array.from({ length: 16 }, (_, i) => `seed ${seed + i}`));
    const node = await page.getByTestId('node-save').boundingBox();
    const grid = await page.getByTestId('images-save').boundingBox();
    if (!node || !grid) throw new Error('the Save Image node is not on screen');
    // 4 rows of 4: about as tall as wide (16 stacked images would be 16 times taller than wide).
    expect(grid.height).toBeLessThan(grid.width * 1.6);
    await screenshot(page, 'batch-grid');

    // Lightbox: the click opens the image (the document stays), arrows step, compare pins one.
    await page.getByTestId('image-save').nth(2).click();
    await page.getByTestId('lightbox').waitFor();
    expect(await text(page, 'lightbox-position')).toBe('3 / 16');
    expect(await text(page, 'lightbox-image-caption')).toBe(`seed ${seed + 2}`);
    await page.keyboard.press('ArrowRight');
    expect(await text(page, 'lightbox-image-caption')).toBe(`seed ${seed + 3}`);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await text(page, 'lightbox-position')).toBe('2 / 16');
    await page.getByTestId('lightbox-compare').click();
    expect(await text(page, 'lightbox-pinned-caption')).toBe(`seed ${seed + 1}`);
    expect(await text(page, 'lightbox-image-caption')).toBe(`seed ${seed + 2}`);
    await page.keyboard.press('ArrowRight');
    expect(await text(page, 'lightbox-pinned-caption')).toBe(`seed ${seed + 1}`);
    expect(await text(page, 'lightbox-image-caption')).toBe(`seed ${seed + 3}`);
    // Two different images side by side, both loaded.
    const sources = await page
      .locator('[data-testid="lightbox"] img')
      .evaluateAll((imgs) =>
        (imgs as HTMLImageElement[]).map((img) => ({ src: img.src, width: img.naturalWidth })),
      );
    expect(sources).toHaveLength(2);
    expect(sources[0].src).not.toBe(sources[1].src);
    expect(sources.every((s) => s.width === 128)).toBe(true);
    await screenshot(page, 'lightbox-compare');
    // While it is open the viewer owns the keys: select-all and Delete do not reach the canvas.
    await page.keyboard.press('Control+a');
    await page.keyboard.press('Delete');
    expect(await page.getByTestId('lightbox').count()).toBe(1);
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('lightbox').count()).toBe(0);
    expect(Object.keys((await readDoc(page)).nodes)).toEqual(Object.keys(ran.nodes));

    // History: fed from the output folder, so a reload still shows the run.
    await page.reload();
    await page.getByTestId('canvas').waitFor();
    await page.getByTestId('tab-history').click();
    const entry = page.getByTestId('history-run');
    await expect.poll(() => entry.count(), { timeout: 20_000 }).toBe(1);
    expect(await entry.getByTestId('history-prompt').textContent()).toBe('a red circle');
    const facts = await entry.getByTestId('history-facts').textContent();
    expect(facts).toContain('done');
    expect(facts).toContain(`seed ${seed}`);
    expect(facts).toContain('dpmpp_2m');
    expect(await entry.getByTestId('history-thumb').count()).toBe(4);
    expect(await entry.textContent()).toContain('+12');
    await screenshot(page, 'history-panel');
    await entry.getByTestId('history-thumb').nth(1).click();
    expect(await text(page, 'lightbox-position')).toBe('2 / 16');
    expect(await text(page, 'lightbox-image-caption')).toBe(`seed ${seed + 1}`);
    await page.keyboard.press('Escape');

    // Load graph is its own button: the run's graph, seed and batch included.
    await entry.getByTestId('history-load').click();
    await page.getByTestId('confirm-discard').click();
    await expect.poll(async () => (await readDoc(page)).nodes.sampler.widgets.seed).toBe(seed);
    expect((await readDoc(page)).nodes.latent.widgets.batch).toBe(16);

    // Re-run adds a second run (the same graph, so the same seeds).
    await entry.first().getByTestId('history-rerun').click();
    await expect.poll(() => page.getByTestId('history-run').count(), { timeout: 60_000 }).toBe(2);
    expect(
      await page.getByTestId('history-run').first().getByTestId('history-facts').textContent(),
    ).toContain(`seed ${seed}`);
    expect(await savedImages()).toHaveLength(32);

    // Delete removes the run's 16 files and its entry, and nothing else.
    const manifest = JSON.parse(await readFile(join(editor.server.paths.output, 'manifest.json'), 'utf8'));
    const newest = manifest.runs.at(-1);
    const files = newest.outputs.map((o: { path: string }) => o.path);
    await page.getByTestId('history-run').first().getByTestId('history-delete').click();
    await page.getByTestId('history-run').first().getByTestId('history-delete-confirm').click();
    await expect.poll(() => page.getByTestId('history-run').count()).toBe(1);
    expect(await savedImages()).toHaveLength(16);
    for (const file of files) expect(existsSync(join(editor.server.paths.output, file))).toBe(false);
    const after = JSON.parse(await readFile(join(editor.server.paths.output, 'manifest.json'), 'utf8'));
    expect(after.runs.map((r: { runId: string }) => r.runId)).not.toContain(newest.runId);
    expect(errors).toEqual([]);
  }, 180_000);

  it('refuses to delete a run whose entry lists a file outside the output folder', async () => {
    const outside = join(editor.server.paths.output, '..', 'keep-me.txt');
    await writeFile(outside, 'not the editor’s to delete');
    const path = join(editor.server.paths.output, 'manifest.json');
    const manifest = existsSync(path)
      ? JSON.parse(await readFile(path, 'utf8'))
      : { format: 'diffgraph-manifest', version: 1, runs: [] };
    manifest.runs.push({
      runId: 'tampered',
      status: 'done',
      finishedAt: new Date().toISOString(),
      outputs: [{ kind: 'file', path: '../keep-me.txt' }],
    });
    await writeFile(path, JSON.stringify(manifest));

    const { page, errors } = await editor.open();
    await page.getByTestId('tab-history').click();
    const entry = page.locator('[data-testid="history-run"][data-run="tampered"]');
    await entry.waitFor();
    await entry.getByTestId('history-delete').click();
    await entry.getByTestId('history-delete-confirm').click();
    await page.getByTestId('toast-error').waitFor();
    expect(await text(page, 'toast-error')).toContain('"../keep-me.txt" leaves its folder');
    expect(await readFile(outside, 'utf8')).toBe('not the editor’s to delete');
    expect(await entry.count()).toBe(1);
    expect(errors).toEqual([]);
  }, 60_000);

  it('the templates browser shows each template with a thumbnail and opens the one clicked', async () => {
    const { page, errors } = await editor.open();
    await page.getByTestId('templates').click();
    await page.getByTestId('templates-dialog').waitFor();
    // Every template has a card; those that run on the shipped models have a thumbnail.
    const names = (await readdir(BUNDLED_GRAPHS_DIR)).filter((name) => name.endsWith('.json'));
    const runnable = names.filter(
      (name) =>
        unshippedModels(JSON.parse(readFileSync(join(BUNDLED_GRAPHS_DIR, name), 'utf8')), BUNDLED_MODELS_DIR)
          .length === 0,
    );
    await expect.poll(() => page.getByTestId('template-thumb').count()).toBe(runnable.length);
    expect(runnable.length).toBeLessThan(names.length);
    const widths = await page
      .getByTestId('template-thumb')
      .evaluateAll((imgs) => (imgs as HTMLImageElement[]).map((img) => img.complete && img.naturalWidth));
    expect(widths.every((w) => typeof w === 'number' && w > 0)).toBe(true);
    await screenshot(page, 'templates-browser');
    await page.getByTestId('template-template:langevin.json').click();
    const template = JSON.parse(await readFile(join(BUNDLED_GRAPHS_DIR, 'langevin.json'), 'utf8'));
    await expect.poll(async () => (await readDoc(page)).title).toBe(template.title);
    expect(await page.getByTestId('templates-dialog').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
