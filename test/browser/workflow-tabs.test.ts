// Workflow tabs as a user sees them: several documents open, each with its own undo history,
// unsaved marker, viewport and run state; closing a tab with unsaved changes asks first.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROOT } from '../../main/paths.ts';
import { launchBrowser, openEditor, readDoc, screenshot } from './support/browser.ts';
import { type EditorServer, startEditorServer } from './support/server.ts';

let server: EditorServer;
let browser: Browser;

beforeAll(async () => {
  server = await startEditorServer();
  // The default graph with many steps: a run lasts long enough to switch tabs while it goes on.
  const slow = JSON.parse(await readFile(join(APP_ROOT, 'graphs', 'default.json'), 'utf8'));
  slow.nodes.schedule.widgets.steps = 250;
  await writeFile(join(server.paths.graphs, 'slow.json'), JSON.stringify(slow));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const graphNodes = (page: Page) => page.locator('.react-flow__node-graph').count();
const viewport = (page: Page) =>
  page.locator('.react-flow__viewport').evaluate((el) => getComputedStyle(el).transform);
const phase = (page: Page, id: string) => page.getByTestId(`node-${id}`).getAttribute('data-phase');
const tabText = (page: Page, i: number) => page.getByTestId(`doc-tab-title-${i}`).textContent();

async function deleteNode(page: Page, id: string): Promise<void> {
  await page.getByTestId(`node-${id}`).locator('.dg-node-header').click();
  await page.keyboard.press('Delete');
}

describe('workflow tabs', () => {
  it('each tab keeps its own document, undo history, unsaved marker and viewport', async () => {
    const { page, errors } = await openEditor(browser, `${server.url}?fresh`);
    await expect.poll(() => graphNodes(page)).toBe(8);
    await deleteNode(page, 'save');
    await expect.poll(() => graphNodes(page)).toBe(7);
    expect(await page.getByTestId('doc-tab-dirty-0').count()).toBe(1);
    // Pan the first document's view.
    await page.mouse.move(700, 760);
    await page.mouse.down();
    await page.mouse.move(560, 700, { steps: 5 });
    await page.mouse.up();
    const firstView = await viewport(page);

    await page.getByTestId('doc-tab-new').click();
    expect(await tabText(page, 1)).toBe('Untitled');
    await expect.poll(() => graphNodes(page)).toBe(0);
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);
    expect(await page.getByTestId('doc-tab-dirty-1').count()).toBe(0);
    await page.getByTestId('left-tab-nodes').click();
    await page.getByTestId('node-library-search').fill('empty latent');
    await page.getByTestId('library-node-EmptyLatent').click();
    await expect.poll(() => graphNodes(page)).toBe(1);
    expect(await page.getByTestId('doc-tab-dirty-1').count()).toBe(1);

    await page.getByTestId('doc-tab-title-0').click();
    await expect.poll(() => graphNodes(page)).toBe(7);
    await expect.poll(() => viewport(page)).toBe(firstView);
    expect(await page.getByTestId('doc-tab-dirty-0').count()).toBe(1);
    expect(await page.getByTestId('doc-tab-dirty-1').count()).toBe(1);
    await page.getByTestId('undo').click();
    await expect.poll(() => graphNodes(page)).toBe(8);
    expect(Object.keys((await readDoc(page)).nodes)).toContain('save');
    expect(await page.getByTestId('doc-tab-dirty-0').count()).toBe(0);
    await screenshot(page, 'workflow tabs');

    // The second tab's history is its own: one undo empties it, and then there is nothing to undo.
    await page.getByTestId('doc-tab-title-1').click();
    await expect.poll(() => graphNodes(page)).toBe(1);
    await page.getByTestId('undo').click();
    await expect.poll(() => graphNodes(page)).toBe(0);
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);
    await page.getByTestId('redo').click();
    await expect.poll(() => graphNodes(page)).toBe(1);

    // Closing a tab with unsaved changes asks; "Keep editing" keeps it, "Discard" closes it.
    await page.getByTestId('doc-tab-close-1').click();
    expect(await page.getByTestId('confirm-dialog').textContent()).toContain('Close Untitled');
    await page.getByRole('button', { name: 'Keep editing' }).click();
    expect(await page.getByTestId('doc-tab-1').count()).toBe(1);
    await page.getByTestId('doc-tab-close-1').click();
    await page.getByTestId('confirm-discard').click();
    await expect.poll(() => page.getByTestId('doc-tab-1').count()).toBe(0);
    await expect.poll(() => graphNodes(page)).toBe(8);
    // A clean tab closes without a question.
    await page.getByTestId('doc-tab-new').click();
    await page.getByTestId('doc-tab-close-1').click();
    expect(await page.getByTestId('confirm-dialog').count()).toBe(0);
    await expect.poll(() => page.getByTestId('doc-tab-1').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 120_000);

  it('a run goes on in its own tab while another is shown, and never shows in the other', async () => {
    const { page, errors } = await openEditor(browser, `${server.url}?fresh`);
    await page.getByTestId('open').click();
    await page.getByTestId('open-graphs:slow.json').first().click();
    await expect.poll(() => tabText(page, 0)).toBe('slow.json');
    await page.getByTestId('run').click();
    await expect.poll(() => phase(page, 'sampler'), { timeout: 60_000 }).toBe('running');

    await page.getByTestId('doc-tab-new').click();
    await page.getByTestId('open').click();
    await page.getByTestId('open-template:default.json').first().click();
    await expect.poll(() => graphNodes(page)).toBe(8);
    // Same node ids as the running graph, none of its state: the run is the other tab's.
    await expect.poll(() => page.getByTestId('queue-item').count(), { timeout: 60_000 }).toBe(0);
    expect(await phase(page, 'sampler')).toBe('');
    expect(await page.getByTestId('node-badge').count()).toBe(0);
    expect(await page.getByTestId('image-save').count()).toBe(0);

    // Back in the first tab, the run finished while it was away.
    await page.getByTestId('doc-tab-title-0').click();
    await expect.poll(() => phase(page, 'sampler')).toBe('done');
    await page.getByTestId('image-save').waitFor();
    await screenshot(page, 'workflow tabs run');

    await page.getByTestId('doc-tab-title-1').click();
    await expect.poll(() => graphNodes(page)).toBe(8);
    expect(await phase(page, 'sampler')).toBe('');
    expect(await page.getByTestId('image-save').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 180_000);

  it('the open tabs come back after a reload, unsaved markers included', async () => {
    const { page, errors } = await openEditor(browser, `${server.url}?fresh`);
    await page.getByTestId('doc-tab-new').click();
    await page.getByTestId('left-tab-nodes').click();
    await page.getByTestId('node-library-search').fill('empty latent');
    await page.getByTestId('library-node-EmptyLatent').click();
    await expect.poll(() => graphNodes(page)).toBe(1);
    await page.getByTestId('doc-tab-title-0').click();
    await expect.poll(() => graphNodes(page)).toBe(8);
    await page.waitForTimeout(1200);

    await page.goto(server.url);
    await page.getByTestId('canvas').waitFor();
    await expect.poll(() => page.getByTestId('doc-tab-1').count()).toBe(1);
    expect(await tabText(page, 0)).toBe('Text to image (default model)');
    expect(await page.getByTestId('doc-tab-dirty-1').count()).toBe(1);
    expect(await graphNodes(page)).toBe(8);
    await page.getByTestId('doc-tab-title-1').click();
    await expect.poll(() => graphNodes(page)).toBe(1);
    expect(Object.values((await readDoc(page)).nodes).map((n) => n.type)).toEqual(['EmptyLatent']);
    expect(errors).toEqual([]);
  }, 90_000);

  it('after a reload the shown tab is where its view was left, not framed again', async () => {
    const { page, errors } = await openEditor(browser, `${server.url}?fresh`);
    await expect.poll(() => graphNodes(page)).toBe(8);
    await page.getByTestId('doc-tab-new').click();
    await page.getByTestId('doc-tab-title-0').click();
    await expect.poll(() => graphNodes(page)).toBe(8);
    const framed = await viewport(page);
    await page.mouse.move(700, 760);
    await page.mouse.down();
    await page.mouse.move(520, 690, { steps: 5 });
    await page.mouse.up();
    await page.mouse.move(700, 500);
    await page.mouse.wheel(0, 240);
    await expect.poll(() => viewport(page)).not.toBe(framed);
    await page.waitForTimeout(600);
    const left = await viewport(page);

    await page.goto(server.url);
    await page.getByTestId('canvas').waitFor();
    await expect.poll(() => page.getByTestId('doc-tab-1').count()).toBe(1);
    await expect.poll(() => graphNodes(page)).toBe(8);
    await expect.poll(() => viewport(page)).toBe(left);
    // Still there a moment later: no late fit replaces it.
    await page.waitForTimeout(500);
    expect(await viewport(page)).toBe(left);
    expect(errors).toEqual([]);
  }, 90_000);
});
