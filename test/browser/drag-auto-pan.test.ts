// Dragging a node to the canvas edge pans the view and carries the node along (React Flow's
// auto-pan, which the canvas switches on only near an edge); a drag in the middle does not pan.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readDoc } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

function viewportTransform(page: Page): Promise<string> {
  return page.locator('.react-flow__viewport').evaluate((el) => (el as HTMLElement).style.transform);
}

async function headerCentre(page: Page, id: string): Promise<{ x: number; y: number }> {
  const b = await page.getByTestId(`node-${id}`).locator('.dg-node-header').boundingBox();
  if (!b) throw new Error(`node ${id} is not on screen`);
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

describe('dragging a node to the canvas edge', () => {
  it('pans the view and moves the node with it; a drag inside the canvas does not pan', async () => {
    const { page, errors } = await editor.open();
    const canvas = await page.getByTestId('canvas').boundingBox();
    if (!canvas) throw new Error('no canvas');

    // In the middle of the canvas: the node moves, the view stays.
    const before = await viewportTransform(page);
    const start = await headerCentre(page, 'positive');
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 60, start.y + 40, { steps: 10 });
    await page.waitForTimeout(300);
    await page.mouse.up();
    expect(await viewportTransform(page)).toBe(before);
    const moved = (await readDoc(page)).nodes.positive.position;

    // Held at the left edge: the view pans and the node goes further left than the view showed.
    const again = await headerCentre(page, 'positive');
    await page.mouse.move(again.x, again.y);
    await page.mouse.down();
    await page.mouse.move(canvas.x + 10, again.y, { steps: 15 });
    await page.waitForTimeout(800);
    await page.mouse.move(canvas.x + 8, again.y);
    await page.mouse.up();
    expect(await viewportTransform(page)).not.toBe(before);
    const panned = (await readDoc(page)).nodes.positive.position;
    const zoom = await page.evaluate(() => {
      const m = getComputedStyle(document.querySelector('.react-flow__viewport') as Element).transform;
      return new DOMMatrix(m).a;
    });
    // Without panning, the pointer's travel moves the node by (start - edge) / zoom at most.
    expect(moved[0] - panned[0]).toBeGreaterThan((again.x - canvas.x) / zoom + 50);
    expect(errors).toEqual([]);
  }, 60_000);
});
