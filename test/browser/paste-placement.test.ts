// Where pasted nodes land, as a user sees it: at the pointer (ComfyUI's habit) on empty canvas, and
// moved just clear of the nodes already there when the pointer is over them — for Ctrl+V and for
// Ctrl+Shift+V, one node or several (which keep their layout).
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function box(page: Page, testId: string): Promise<Box> {
  const b = await page.getByTestId(testId).boundingBox();
  if (!b) throw new Error(`${testId} is not on screen`);
  return b;
}

/** Screen boxes of every graph node drawn, by node id. */
async function nodeBoxes(page: Page): Promise<Map<string, Box>> {
  const list = await page.locator('.react-flow__node-graph').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      return [
        el.getAttribute('data-id') ?? '',
        { x: r.x, y: r.y, width: r.width, height: r.height },
      ] as const;
    }),
  );
  return new Map(list);
}

async function nodeIds(page: Page): Promise<string[]> {
  return Object.keys((await readDoc(page)).nodes);
}

/** Ids of the nodes `paste` added, once the canvas has drawn them. */
async function pastedIds(page: Page, paste: () => Promise<void>, count: number): Promise<string[]> {
  const before = await nodeIds(page);
  await paste();
  await expect.poll(async () => (await nodeIds(page)).length).toBe(before.length + count);
  const added = (await nodeIds(page)).filter((id) => !before.includes(id));
  for (const id of added) await page.getByTestId(`node-${id}`).waitFor();
  await page.waitForTimeout(200); // React Flow measures and places the new nodes
  return added;
}

async function copyNodes(page: Page, ids: string[]): Promise<void> {
  for (const [i, id] of ids.entries())
    await page
      .getByTestId(`node-${id}`)
      .locator('.dg-node-header')
      .click({ modifiers: i === 0 ? [] : ['Control'] });
  await page.keyboard.press('Control+c');
}

/** Asserts none of `added` covers a node that was there before the paste. */
function expectClear(boxes: Map<string, Box>, added: string[]): void {
  for (const id of added) {
    const pasted = boxes.get(id);
    expect(pasted, `pasted node ${id} is drawn`).toBeDefined();
    for (const [otherId, other] of boxes) {
      if (added.includes(otherId)) continue;
      expect(overlaps(pasted as Box, other), `${id} covers ${otherId}`).toBe(false);
    }
  }
}

describe('paste placement', () => {
  it('Ctrl+V on empty canvas puts the copied node with its top-left corner at the pointer', async () => {
    const { page, errors } = await editor.open();
    await copyNodes(page, ['sampler']);
    await page.getByTestId('new').click();
    await page
      .getByTestId('confirm-discard')
      .click({ timeout: 2000 })
      .catch(() => {});
    await expect.poll(async () => (await nodeIds(page)).length).toBe(0);
    const pointer = { x: 600, y: 400 };
    await page.mouse.move(pointer.x, pointer.y);
    const [id] = await pastedIds(page, () => page.keyboard.press('Control+v'), 1);
    const pasted = await box(page, `node-${id}`);
    expect(Math.abs(pasted.x - pointer.x)).toBeLessThan(2);
    expect(Math.abs(pasted.y - pointer.y)).toBeLessThan(2);
    expect(errors).toEqual([]);
  }, 60_000);

  it('Ctrl+V and Ctrl+Shift+V over existing nodes land next to the pointer without covering them', async () => {
    const { page, errors } = await editor.open();
    await copyNodes(page, ['sampler']);
    for (const keys of ['Control+v', 'Control+Shift+v']) {
      // The pointer on the decoder's title: a paste there used to cover it.
      const decode = await box(page, 'node-decode');
      const pointer = { x: decode.x + 10, y: decode.y + 10 };
      await page.mouse.move(pointer.x, pointer.y);
      const added = await pastedIds(page, () => page.keyboard.press(keys), 1);
      const boxes = await nodeBoxes(page);
      expectClear(boxes, added);
      // Nearby: the spot nearest the pointer, not somewhere far off (within about a node's size).
      const pasted = boxes.get(added[0]) as Box;
      expect(Math.hypot(pasted.x - pointer.x, pasted.y - pointer.y)).toBeLessThan(
        Math.max(decode.width, decode.height) + pasted.width + pasted.height,
      );
    }
    // Ctrl+Shift+V still kept the wires into the copy.
    const doc = await readDoc(page);
    const copies = Object.keys(doc.nodes).filter((id) => id.startsWith('sampler_'));
    const fedWires = copies.map((id) => doc.edges.filter((e) => e.to[0] === id).length).sort();
    expect(fedWires).toEqual([0, doc.edges.filter((e) => e.to[0] === 'sampler').length]);
    await screenshot(page, 'paste-placement');
    expect(errors).toEqual([]);
  }, 60_000);

  it('several pasted nodes keep their layout and, together, cover no existing node', async () => {
    const { page, errors } = await editor.open();
    await copyNodes(page, ['positive', 'negative']);
    const before = await readDoc(page);
    const sampler = await box(page, 'node-sampler');
    await page.mouse.move(sampler.x + sampler.width / 2, sampler.y + sampler.height / 2);
    const added = await pastedIds(page, () => page.keyboard.press('Control+v'), 2);
    expectClear(await nodeBoxes(page), added);
    const doc = await readDoc(page);
    const [a, b] = added.map((id) => doc.nodes[id].position);
    const offset = [b[0] - a[0], b[1] - a[1]];
    const original = ['positive', 'negative'].map((id) => before.nodes[id].position);
    const originalOffset = [original[1][0] - original[0][0], original[1][1] - original[0][1]];
    // The copies are added in the order the originals were selected.
    expect(offset).toEqual(originalOffset);
    expect(errors).toEqual([]);
  }, 60_000);
});
