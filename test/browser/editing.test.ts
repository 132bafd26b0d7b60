// Editing on the canvas: refused connections with their reason, undo/redo, copy/paste.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { dragWire, readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

async function centerOf(page: Page, testId: string) {
  const box = await page.getByTestId(testId).boundingBox();
  if (!box) throw new Error(`${testId} not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

describe('editing the default graph', () => {
  it('refuses an incompatible connection and says why', async () => {
    const { page, errors } = await editor.open();
    const before = await readDoc(page);
    const from = await centerOf(page, 'handle-latent-out-latent');
    const to = await centerOf(page, 'handle-sampler-in-positive');
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x - 40, to.y, { steps: 5 });
    // While dragging, sockets that take a LATENT light up and the others dim.
    expect(await page.getByTestId('handle-sampler-in-latent').getAttribute('class')).toContain('dg-lit');
    expect(await page.getByTestId('handle-decode-in-latent').getAttribute('class')).toContain('dg-lit');
    expect(await page.getByTestId('handle-sampler-in-positive').getAttribute('class')).toContain('dg-dim');
    await page.mouse.move(to.x, to.y, { steps: 5 });
    const hint = page.getByTestId('connection-hint');
    await hint.waitFor();
    expect(await hint.textContent()).toBe('Sampler.positive takes CONDITIONING, this output is LATENT');
    await screenshot(page, 'connection-refused-hint');
    await page.mouse.up();
    await expect
      .poll(() => page.getByTestId('toast-error').textContent())
      .toBe('Sampler.positive takes CONDITIONING, this output is LATENT');
    expect((await readDoc(page)).edges).toEqual(before.edges);
    expect(errors).toEqual([]);
  });

  it('replaces the wire when a new one goes into an occupied input', async () => {
    const { page } = await editor.open();
    await dragWire(page, 'handle-negative-out-conditioning', 'handle-sampler-in-positive');
    const into = (await readDoc(page)).edges.filter((e) => e.to[0] === 'sampler' && e.to[1] === 'positive');
    expect(into).toEqual([{ from: ['negative', 'conditioning'], to: ['sampler', 'positive'] }]);
  });

  it('undoes and redoes edits, with typing grouped into one step', async () => {
    const { page, errors } = await editor.open();
    const original = await readDoc(page);
    const prompt = page.getByTestId('widget-positive-text');
    await prompt.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' on the left', { delay: 30 });
    await page.getByTestId('canvas').click({ position: { x: 30, y: 30 } });
    // Move the sampler by dragging its header.
    const header = page.getByTestId('node-sampler').locator('.dg-node-header');
    const box = await header.boundingBox();
    if (!box) throw new Error('no header');
    await page.mouse.move(box.x + 60, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + 160, box.y + 90, { steps: 10 });
    await page.mouse.up();
    // Delete the decoder.
    await page.getByTestId('node-decode').locator('.dg-node-header').click();
    await page.keyboard.press('Delete');
    const edited = await readDoc(page);
    expect(edited.nodes.positive.widgets.text).toBe('a red circle on the left');
    expect(edited.nodes.sampler.position).not.toEqual(original.nodes.sampler.position);
    expect(edited.nodes.decode).toBeUndefined();

    await page.keyboard.press('Control+z');
    expect((await readDoc(page)).nodes.decode).toEqual(original.nodes.decode);
    await page.keyboard.press('Control+z');
    expect((await readDoc(page)).nodes.sampler.position).toEqual(original.nodes.sampler.position);
    await page.keyboard.press('Control+z');
    expect(await readDoc(page)).toEqual(original);
    await expect.poll(() => page.getByTestId('dirty-marker').count()).toBe(0);

    await page.keyboard.press('Control+Shift+z');
    expect((await readDoc(page)).nodes.positive.widgets.text).toBe('a red circle on the left');
    await page.keyboard.press('Control+y');
    await page.keyboard.press('Control+y');
    expect(await readDoc(page)).toEqual(edited);
    await screenshot(page, 'undo-redo');
    expect(errors).toEqual([]);
  });

  it('box-selects with Shift+drag, moves the selection together and deletes it', async () => {
    const { page, errors } = await editor.open();
    const a = await page.getByTestId('node-positive').boundingBox();
    const b = await page.getByTestId('node-negative').boundingBox();
    if (!a || !b) throw new Error('prompt nodes not on screen');
    const before = await readDoc(page);
    await page.keyboard.down('Shift');
    await page.mouse.move(a.x - 15, a.y - 15);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width + 15, b.y + b.height + 15, { steps: 8 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBe(2);
    const header = await page.getByTestId('node-positive').locator('.dg-node-header').boundingBox();
    if (!header) throw new Error('no header');
    await page.mouse.move(header.x + 80, header.y + 8);
    await page.mouse.down();
    await page.mouse.move(header.x + 80, header.y + 68, { steps: 6 });
    await page.mouse.up();
    const moved = await readDoc(page);
    const dy = (id: string) => moved.nodes[id].position[1] - before.nodes[id].position[1];
    expect(dy('positive')).toBeGreaterThan(20);
    expect(dy('negative')).toBe(dy('positive'));
    expect(dy('sampler')).toBe(0);
    await page.keyboard.press('Delete');
    const after = await readDoc(page);
    expect(Object.keys(after.nodes).sort()).toEqual(
      Object.keys(before.nodes)
        .filter((id) => id !== 'positive' && id !== 'negative')
        .sort(),
    );
    expect(after.edges.some((e) => e.from[0] === 'positive' || e.from[0] === 'negative')).toBe(false);
    expect(errors).toEqual([]);
  });

  it('copies nodes as graph JSON and pastes them, also into another window', async () => {
    const { page, errors } = await editor.open();
    await page.getByTestId('node-positive').locator('.dg-node-header').click();
    await page
      .getByTestId('node-schedule')
      .locator('.dg-node-header')
      .click({ modifiers: ['Control'] });
    await page.keyboard.press('Control+c');
    const clip = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
    expect(clip.format).toBe('diffgraph');
    expect(Object.keys(clip.nodes).sort()).toEqual(['positive', 'schedule']);

    await page.mouse.move(200, 800);
    await page.keyboard.press('Control+v');
    const doc = await readDoc(page);
    expect(doc.nodes.text_encode).toMatchObject({ type: 'TextEncode', widgets: { text: 'a red circle' } });
    expect(doc.nodes.noise_schedule).toMatchObject({
      type: 'NoiseSchedule',
      widgets: doc.nodes.schedule.widgets,
    });
    // The two pasted nodes keep their relative placement.
    const dx = doc.nodes.noise_schedule.position[0] - doc.nodes.text_encode.position[0];
    expect(dx).toBe(doc.nodes.schedule.position[0] - doc.nodes.positive.position[0]);

    const other = await page.context().newPage();
    await other.goto(editor.server.url);
    await other.getByTestId('canvas').waitFor();
    await other.getByTestId('new').click();
    await other
      .getByTestId('confirm-discard')
      .click({ timeout: 2000 })
      .catch(() => {});
    await other.mouse.move(400, 300);
    await other.keyboard.press('Control+v');
    await expect
      .poll(async () => Object.keys((await readDoc(other)).nodes).sort())
      .toEqual(['noise_schedule', 'text_encode']);
    await screenshot(page, 'copy-paste');
    await screenshot(other, 'copy-paste-other-window');
    expect(errors).toEqual([]);
  });
});
