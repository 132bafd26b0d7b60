// The rest of the canvas toolkit, driven like a user: widgets, widget <-> input, groups, reroutes,
// notes, bypass/mute/collapse, the shortcut sheet, templates, and the gallery's "load this graph".
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

async function select(page: Page, ...ids: string[]): Promise<void> {
  for (const [i, id] of ids.entries()) {
    await page
      .getByTestId(`node-${id}`)
      .locator('.dg-node-header')
      .click({ modifiers: i === 0 ? [] : ['Control'] });
  }
}

describe('canvas tools', () => {
  it('number fields step, scroll and scrub, and refuse typed values out of range; widgets turn into inputs and back', async () => {
    const { page, errors } = await editor.open();
    const steps = page.getByTestId('widget-schedule-steps');
    await steps.getByRole('button', { name: 'increase steps' }).click();
    expect((await readDoc(page)).nodes.schedule.widgets.steps).toBe(21);
    await steps.hover();
    await page.mouse.wheel(0, -100);
    await page.mouse.wheel(0, -100);
    expect((await readDoc(page)).nodes.schedule.widgets.steps).toBe(23);
    const box = await steps.boundingBox();
    if (!box) throw new Error('no steps field');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2, { steps: 6 });
    await page.mouse.up();
    expect((await readDoc(page)).nodes.schedule.widgets.steps).toBe(33);
    await steps.locator('.dg-number-body').click();
    await page.keyboard.type('0');
    await page.keyboard.press('Enter');
    // Typed text out of range is an error on the field, not clamped in silence.
    expect(await page.getByTestId('widget-schedule-steps-error').textContent()).toBe(
      '0 is below the minimum 1',
    );
    expect((await readDoc(page)).nodes.schedule.widgets.steps).toBe(33);
    await page.keyboard.press('Escape');

    await page.getByTestId('widget-latent-width').hover();
    await page.getByTestId('to-input-latent-width').click();
    await page.getByTestId('handle-latent-in-width').waitFor();
    expect((await readDoc(page)).nodes.latent.widgetInputs).toEqual(['width']);
    expect(await page.getByTestId('widget-latent-width').count()).toBe(0);
    await page.getByTestId('port-latent-in-width').getByRole('button').click();
    expect((await readDoc(page)).nodes.latent.widgetInputs).toBeUndefined();

    const models = await page.getByTestId('widget-load-model').locator('option').allTextContents();
    expect(models).toContain('diffgraph-shapes');

    // An image picker uploads into the input folder and selects the upload.
    await page.mouse.dblclick(900, 820);
    await page.getByTestId('palette-input').fill('load image');
    await page.keyboard.press('Enter');
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    await page
      .getByTestId('node-load_image')
      .locator('input[type=file]')
      .setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
    await expect.poll(async () => (await readDoc(page)).nodes.load_image?.widgets.image).toBe('dot.png');
    expect(await readFile(join(editor.server.paths.input, 'dot.png'))).toEqual(png);
    expect(await page.getByTestId('widget-load_image-image').inputValue()).toBe('dot.png');
    expect(errors).toEqual([]);
  });

  it('groups carry their nodes, wires take reroute points, notes, bypass, mute and collapse', async () => {
    const { page, errors } = await editor.open();
    await select(page, 'positive', 'negative');
    await page.keyboard.press('Control+g');
    const group = page.getByTestId('group-group1');
    await group.waitFor();
    const before = await readDoc(page);
    const title = await group.locator('.dg-group-title').boundingBox();
    if (!title) throw new Error('no group title');
    await page.mouse.move(title.x + 30, title.y + title.height / 2);
    await page.mouse.down();
    await page.mouse.move(title.x + 30, title.y - 60, { steps: 8 });
    await page.mouse.up();
    const moved = await readDoc(page);
    const dy = moved.nodes.positive.position[1] - before.nodes.positive.position[1];
    expect(dy).toBeLessThan(-20);
    expect(moved.nodes.negative.position[1] - before.nodes.negative.position[1]).toBe(dy);
    expect(moved.nodes.sampler.position).toEqual(before.nodes.sampler.position);

    // Double-click a wire to add a reroute point.
    // Double-click a wire (at a point along it where nothing else is on top) to add a reroute point.
    const edgeId = 'load:vae->decode:vae';
    const spot = await page
      .locator(`.react-flow__edge[data-id="${edgeId}"] path.react-flow__edge-path`)
      .evaluate((path: SVGPathElement, id) => {
        const m = path.getScreenCTM() as DOMMatrix;
        for (let t = 0.5; t < 0.95; t += 0.05) {
          for (const f of [t, 1 - t]) {
            const p = path.getPointAtLength(path.getTotalLength() * f);
            const x = p.x * m.a + p.y * m.c + m.e;
            const y = p.x * m.b + p.y * m.d + m.f;
            if (document.elementFromPoint(x, y)?.closest('.react-flow__edge')?.getAttribute('data-id') === id)
              return { x, y };
          }
        }
        return null;
      }, edgeId);
    if (!spot) throw new Error('the wire is covered everywhere');
    await page.mouse.dblclick(spot.x, spot.y);
    const withPoint = await readDoc(page);
    expect(
      (withPoint.edges.find((e) => e.to[0] === 'decode' && e.to[1] === 'vae') as { points?: number[][] })
        .points,
    ).toHaveLength(1);
    const pointOf = async () =>
      ((await readDoc(page)).edges.find((e) => e.to[0] === 'decode' && e.to[1] === 'vae')?.points ?? [])[0];
    const placed = await pointOf();
    const dot = await page.getByTestId(`reroute-${edgeId}-0`).boundingBox();
    if (!dot) throw new Error('no reroute point drawn');
    await page.mouse.move(dot.x + dot.width / 2, dot.y + dot.height / 2);
    await page.mouse.down();
    await page.mouse.move(dot.x + dot.width / 2, dot.y + 80, { steps: 5 });
    await page.mouse.up();
    const dragged = await pointOf();
    expect(dragged[0]).toBeCloseTo(placed[0], -1);
    expect(dragged[1]).toBeGreaterThan(placed[1] + 40);

    await page.mouse.move(700, 880);
    await page.keyboard.press('Shift+N');
    await page.getByTestId('note-note1').locator('textarea').fill('Try a blue ring');
    await select(page, 'sampler');
    await page.keyboard.press('Control+b');
    await select(page, 'decode');
    await page.keyboard.press('Control+m');
    await select(page, 'schedule');
    await page.keyboard.press('Alt+c');
    const doc = await readDoc(page);
    expect(doc.nodes.sampler).toMatchObject({ bypass: true });
    expect(doc.nodes.decode).toMatchObject({ mute: true });
    expect(doc.nodes.schedule).toMatchObject({ collapsed: true });
    expect((doc as unknown as { notes: { text: string }[] }).notes[0].text).toBe('Try a blue ring');
    expect(await page.getByTestId('node-sampler').getAttribute('class')).toContain('dg-bypass');
    expect(await page.getByTestId('node-schedule').locator('.dg-node-body').count()).toBe(0);
    // The collapsed node keeps its wires.
    expect(await page.locator('.react-flow__edge').count()).toBe(doc.edges.length);
    await screenshot(page, 'canvas-tools');
    expect(errors).toEqual([]);
  });

  it('shows the shortcut sheet, offers templates, and loads a graph from the gallery', async () => {
    const { page, errors } = await editor.open();
    await page.keyboard.press('?');
    await page.getByTestId('shortcut-sheet').waitFor();
    expect(await page.getByTestId('shortcut-sheet').textContent()).toContain('Ctrl+Enter');
    await screenshot(page, 'shortcut-sheet');
    await page.keyboard.press('Escape');

    await page.getByTestId('open').click();
    await page.getByTestId('open-template:default.json').waitFor();
    await screenshot(page, 'open-dialog');
    await page.keyboard.press('Escape');

    await page.getByTestId('widget-positive-text').fill('a small orange cross');
    const ran = await readDoc(page);
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('image-save').waitFor({ timeout: 60_000 });
    await page.getByTestId('widget-positive-text').fill('something else');
    await page.getByTestId('tab-gallery').click();
    expect(await page.getByTestId('gallery').textContent()).toMatch(/seed \d+/);
    await screenshot(page, 'gallery');
    // A click only views the image; loading its graph is the lightbox's own button.
    await page.getByTestId('gallery-item').click();
    await page.getByTestId('lightbox').waitFor();
    await page.getByTestId('lightbox-load-graph').click();
    await page.getByTestId('confirm-discard').click();
    expect(await readDoc(page)).toEqual(ran);
    expect(errors).toEqual([]);
  }, 120_000);
});
