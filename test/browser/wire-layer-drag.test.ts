// Zoomed far out the wires are drawn on one canvas layer that keeps each wire's path between frames:
// a dragged node's wires must follow it there, not stay where the node was.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { SOCKET_TYPES } from '../../nodes/api.ts';
import { readDoc } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

type Box = { x: number; y: number; width: number; height: number };

async function box(page: Page, testId: string): Promise<Box> {
  const b = await page.getByTestId(testId).boundingBox();
  if (!b) throw new Error(`${testId} is not on screen`);
  return b;
}

/** Pixels of the wire layer in a screen rectangle that have the colour `hex`. */
function pixelsOfColour(page: Page, area: Box, hex: string): Promise<number> {
  return page.getByTestId('wire-canvas').evaluate(
    (el, { area, hex }) => {
      const canvas = el as HTMLCanvasElement;
      const at = canvas.getBoundingClientRect();
      const scale = canvas.width / at.width;
      const x = Math.max(0, Math.round((area.x - at.x) * scale));
      const y = Math.max(0, Math.round((area.y - at.y) * scale));
      const w = Math.round(area.width * scale);
      const h = Math.round(area.height * scale);
      const data = canvas.getContext('2d')?.getImageData(x, y, w, h).data ?? [];
      const n = Number.parseInt(hex.slice(1), 16);
      const [r, g, b] = [n >> 16, (n >> 8) & 255, n & 255];
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        const near = Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40;
        if (near && data[i + 3] > 50) count++;
      }
      return count;
    },
    { area, hex },
  );
}

/** A strip just left of a node's left side: where its input wires end. */
const inputStrip = (node: Box): Box => ({ x: node.x - 14, y: node.y, width: 12, height: node.height });

describe('the zoomed-out wire layer', () => {
  it("redraws a dragged node's wires at its new place", async () => {
    const { page, errors } = await editor.open();
    for (let i = 0; i < 10; i++) {
      if ((await page.getByTestId('wire-canvas').count()) > 0) break;
      await page.locator('.react-flow__controls-zoomout').click();
      await page.waitForTimeout(150);
    }
    const layer = page.getByTestId('wire-canvas');
    const edges = (await readDoc(page)).edges.length;
    await expect.poll(() => layer.getAttribute('data-wires')).toBe(String(edges));
    const vae = SOCKET_TYPES.VAE.color;
    const before = await box(page, 'node-decode');
    expect(await pixelsOfColour(page, inputStrip(before), vae)).toBeGreaterThan(3);

    // Drag the decoder straight down by more than its height.
    const header = await page.getByTestId('node-decode').locator('.dg-node-header').boundingBox();
    if (!header) throw new Error('no decoder header');
    const drop = before.height + 60;
    await page.mouse.move(header.x + header.width / 2, header.y + header.height / 2);
    await page.mouse.down();
    await page.mouse.move(header.x + header.width / 2, header.y + header.height / 2 + drop, { steps: 12 });
    await page.mouse.up();
    await page.waitForTimeout(300);
    const after = await box(page, 'node-decode');
    expect(after.y - before.y).toBeGreaterThan(before.height);

    // The VAE wire now ends at the moved node, and nothing of it is left where the node was.
    await expect.poll(() => pixelsOfColour(page, inputStrip(after), vae)).toBeGreaterThan(3);
    expect(await pixelsOfColour(page, inputStrip(before), vae)).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
