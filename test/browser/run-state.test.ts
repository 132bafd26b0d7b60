// As a user sees them: run state belongs to the document and the run that made
// it, and a run that validation refuses says why, names the nodes, and leaves the seed alone.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { APP_ROOT } from '../../main/paths.ts';
import { addNodeByPalette, readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

const phase = (page: Page, id: string) => page.getByTestId(`node-${id}`).getAttribute('data-phase');

/** Opens a graph from the Open dialog; `discard` answers the unsaved-changes question, which
 *  a dirty document always asks (checking whether it is visible would race React's render). */
async function openGraph(page: Page, id: string, { discard = false } = {}): Promise<void> {
  await page.getByTestId('open').click();
  await page.getByTestId(`open-${id}`).first().click();
  if (discard) await page.getByTestId('confirm-discard').click();
}

async function deleteNode(page: Page, id: string): Promise<void> {
  await page.getByTestId(`node-${id}`).locator('.dg-node-header').click();
  await page.keyboard.press('Delete');
}

describe('run state belongs to a document and a run', () => {
  it('clears on a new node and on another document; a failed run leaves nothing waiting', async () => {
    const { page, errors } = await editor.open();
    const seed = (await readDoc(page)).nodes.sampler.widgets.seed;
    await page.getByTestId('run').click();
    await page.getByTestId('image-save').waitFor({ timeout: 60_000 });
    await expect.poll(() => phase(page, 'sampler')).toBe('done');
    // The seed moved on (randomize) without an undo step or an unsaved marker.
    expect((await readDoc(page)).nodes.sampler.widgets.seed).not.toBe(seed);
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);

    // A new Sampler under the old one's id starts clean.
    await deleteNode(page, 'sampler');
    await addNodeByPalette(page, { x: 900, y: 700 }, 'sampler', 'Sampler');
    expect(Object.keys((await readDoc(page)).nodes)).toContain('sampler');
    expect(await phase(page, 'sampler')).toBe('');
    expect(await page.getByTestId('node-sampler').getByTestId('node-badge').count()).toBe(0);

    // Another document shows nothing of the run (not even under the same node ids).
    await openGraph(page, 'template:default.json', { discard: true });
    // The old document also had 8 nodes, so wait for the run's image to go before checking the rest.
    await expect.poll(() => page.locator('.react-flow__node-graph').count()).toBe(8);
    await expect.poll(() => page.getByTestId('image-save').count()).toBe(0);
    expect(await phase(page, 'sampler')).toBe('');
    expect(await page.getByTestId('node-badge').count()).toBe(0);
    expect(await page.getByTestId('run-status').count()).toBe(0);

    // A run that fails in its first node: the nodes after it are marked "not run", none stays
    // waiting; opening the file again shows none of it.
    const broken = JSON.parse(await readFile(join(APP_ROOT, 'graphs', 'default.json'), 'utf8'));
    broken.nodes.load.widgets.model = 'no-such-model';
    await writeFile(join(editor.server.paths.graphs, 'broken.json'), JSON.stringify(broken));
    await openGraph(page, 'graphs:broken.json');
    await expect.poll(() => page.getByTestId('doc-name').textContent()).toBe('broken.json');
    await page.getByTestId('run').click();
    await expect.poll(() => phase(page, 'load'), { timeout: 60_000 }).toBe('error');
    await expect.poll(() => phase(page, 'save')).toBe('skipped');
    const phases = await page
      .locator('.react-flow__node-graph [data-phase]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-phase')));
    expect(phases).not.toContain('waiting');
    expect(phases).not.toContain('running');
    expect(await page.getByTestId('node-save').getByTestId('node-badge').textContent()).toBe('not run');
    await screenshot(page, 'run-state-after-failure');
    await openGraph(page, 'graphs:broken.json');
    await expect.poll(() => page.getByTestId('node-badge').count()).toBe(0);
    expect(await page.getByTestId('error-load').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 180_000);
});

describe('a refused run says so', () => {
  it('lists each problem with its node, centres the node on a click, and keeps the seed', async () => {
    const { page, errors } = await editor.open();
    await deleteNode(page, 'latent');
    const before = await readDoc(page);
    await page.getByTestId('run').click();
    await expect
      .poll(() => page.getByTestId('toast-error').first().textContent())
      .toMatch(/^Run refused, 1 problem: Sampler: /);
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('Run refused: 1 problem');
    const entry = page.getByTestId('refused-run');
    expect(await entry.count()).toBe(1);
    expect(await entry.getByTestId('refused-problem').textContent()).toMatch(/^Sampler: .*latent/i);
    // No seed change, so the only undo step is still the deletion.
    expect((await readDoc(page)).nodes.sampler.widgets.seed).toBe(before.nodes.sampler.widgets.seed);

    // Move the view away, then click the problem: the sampler is selected and in the middle.
    await page.mouse.move(700, 500);
    await page.mouse.wheel(0, 1500);
    await entry.getByTestId('refused-problem').click();
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(1);
    expect(await page.locator('.react-flow__node.selected [data-testid="node-sampler"]').count()).toBe(1);
    const canvas = await page.getByTestId('canvas').boundingBox();
    await expect
      .poll(async () => {
        const box = await page.getByTestId('node-sampler').boundingBox();
        if (!box || !canvas) return Number.POSITIVE_INFINITY;
        const dx = box.x + box.width / 2 - (canvas.x + canvas.width / 2);
        const dy = box.y + box.height / 2 - (canvas.y + canvas.height / 2);
        return Math.hypot(dx, dy);
      })
      .toBeLessThan(20);
    await screenshot(page, 'run-refused');
    // Undo brings the deleted node back: the refusal added no step of its own.
    for (let i = 0; i < 3 && !(await readDoc(page)).nodes.latent; i++) await page.getByTestId('undo').click();
    expect(Object.keys((await readDoc(page)).nodes)).toContain('latent');
    expect(errors).toEqual([]);
  }, 120_000);
});
