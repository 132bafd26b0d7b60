// A node drag moves the node (and its wires) on the canvas at every pointer move, but writes the
// graph document once, when the drag ends: one undo step, the new position saved, and nothing that
// follows the document (unsaved marker, validation, minimap) re-run on every frame of the drag.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readDoc } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

async function headerCentre(page: Page, id: string): Promise<{ x: number; y: number }> {
  const b = await page.getByTestId(`node-${id}`).locator('.dg-node-header').boundingBox();
  if (!b) throw new Error(`node ${id} is not on screen`);
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** The canvas zoom, from React Flow's viewport transform ("translate(..) scale(z)"). */
async function zoom(page: Page): Promise<number> {
  const transform = await page
    .locator('.react-flow__viewport')
    .evaluate((el) => (el as HTMLElement).style.transform);
  const match = /scale\(([\d.]+)\)/.exec(transform);
  if (!match) throw new Error(`no scale in viewport transform "${transform}"`);
  return Number(match[1]);
}

/** The minimap's pixels, to see whether it changed. */
function minimapPixels(page: Page): Promise<string> {
  return page
    .getByTestId('minimap')
    .locator('canvas')
    .evaluate((c) => (c as HTMLCanvasElement).toDataURL());
}

describe('dragging a node', () => {
  it('moves it on screen during the drag and writes the document once at the end, as one undo step', async () => {
    const { page, errors } = await editor.open();
    const original = await readDoc(page);
    const scale = await zoom(page);
    const start = await headerCentre(page, 'sampler');
    const minimapBefore = await minimapPixels(page);
    const by = { x: 150, y: 90 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + by.x, start.y + by.y, { steps: 12 });

    // Mid-drag: the node is drawn near the pointer (React Flow starts moving it from the first
    // pointer move, so it trails by that one step), the document still has it where it was.
    const during = await headerCentre(page, 'sampler');
    expect(during.x - start.x).toBeGreaterThan(by.x * 0.8);
    expect(during.y - start.y).toBeGreaterThan(by.y * 0.8);
    expect((await readDoc(page)).nodes.sampler.position).toEqual(original.nodes.sampler.position);
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
    // The minimap follows the drag too (it draws the dragged node where the drag has it).
    expect(await minimapPixels(page)).not.toBe(minimapBefore);

    await page.mouse.up();
    const moved = await readDoc(page);
    const [x0, y0] = original.nodes.sampler.position;
    const [x1, y1] = moved.nodes.sampler.position;
    // The distance it was drawn moved, in canvas units (screen distance / zoom, rounded to whole
    // units by the document).
    expect(Math.abs(x1 - x0 - (during.x - start.x) / scale)).toBeLessThanOrEqual(1);
    expect(Math.abs(y1 - y0 - (during.y - start.y) / scale)).toBeLessThanOrEqual(1);
    await expect.poll(() => page.getByTestId('dirty-marker').count()).toBe(1);
    // The node stays where it was dropped (no jump back once the document takes over).
    const after = await headerCentre(page, 'sampler');
    expect(Math.abs(after.x - during.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(after.y - during.y)).toBeLessThanOrEqual(1);

    // One undo step takes the whole drag back; redo puts it where it was dropped.
    await page.keyboard.press('Control+z');
    expect(await readDoc(page)).toEqual(original);
    await expect.poll(() => page.getByTestId('dirty-marker').count()).toBe(0);
    const undone = await headerCentre(page, 'sampler');
    expect(Math.abs(undone.x - start.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(undone.y - start.y)).toBeLessThanOrEqual(1);
    await page.keyboard.press('Control+Shift+z');
    expect((await readDoc(page)).nodes.sampler.position).toEqual(moved.nodes.sampler.position);
    expect(errors).toEqual([]);
  }, 60_000);
});
