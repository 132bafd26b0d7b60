// The main path: build txt2img from an empty canvas with the mouse and keyboard, run it on the
// shipped default model, watch progress, see the image; and cancel a long run.
import { describe, expect, it } from 'vitest';
import { addNodeByPalette, dragWire, readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

/** Records every label the node's run badge shows, so fast progress is not missed between polls. */
async function recordBadges(page: import('playwright-core').Page, nodeId: string): Promise<void> {
  await page.evaluate((id) => {
    const seen: string[] = [];
    (window as unknown as { badges: string[] }).badges = seen;
    new MutationObserver(() => {
      const text = document.querySelector(
        `[data-testid="node-${id}"] [data-testid="node-badge"]`,
      )?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, nodeId);
}

/** Mean RGB of the bright pixels of a loaded image (the shape, not the dark background). */
function shapeColour(
  page: import('playwright-core').Page,
  testId: string,
): Promise<[number, number, number]> {
  return page.getByTestId(testId).evaluate((img: HTMLImageElement) => {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const sum = [0, 0, 0];
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.max(data[i], data[i + 1], data[i + 2]) < 100) continue;
      for (let c = 0; c < 3; c++) sum[c] += data[i + c];
      n++;
    }
    return sum.map((v) => v / Math.max(n, 1)) as [number, number, number];
  });
}

describe('txt2img in the editor', () => {
  it('builds the graph from an empty canvas by palette and wiring, runs it and shows the image', async () => {
    const { page, errors } = await editor.open();
    await page.getByTestId('new').click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(0);

    const row1 = 90;
    const row2 = 560;
    await addNodeByPalette(page, { x: 60, y: row1 }, 'load pipe', 'LoadPipeline');
    await addNodeByPalette(page, { x: 380, y: row1 }, 'text enc', 'TextEncode');
    await addNodeByPalette(page, { x: 700, y: row1 }, 'text enc', 'TextEncode');
    await addNodeByPalette(page, { x: 1020, y: row1 }, 'sampler', 'Sampler');
    await addNodeByPalette(page, { x: 60, y: row2 }, 'empty lat', 'EmptyLatent');
    await addNodeByPalette(page, { x: 380, y: row2 }, 'schedule', 'NoiseSchedule');
    await addNodeByPalette(page, { x: 700, y: row2 }, 'vae dec', 'VAEDecode');
    const ids = Object.keys((await readDoc(page)).nodes).sort();
    expect(ids).toEqual([
      'empty_latent',
      'load_pipeline',
      'noise_schedule',
      'sampler',
      'text_encode',
      'text_encode_2',
      'vae_decode',
    ]);

    const wires: [string, string][] = [
      ['load_pipeline-out-clip', 'text_encode-in-clip'],
      ['load_pipeline-out-clip', 'text_encode_2-in-clip'],
      ['load_pipeline-out-model', 'noise_schedule-in-model'],
      ['load_pipeline-out-model', 'sampler-in-model'],
      ['noise_schedule-out-schedule', 'sampler-in-schedule'],
      ['text_encode-out-conditioning', 'sampler-in-positive'],
      ['text_encode_2-out-conditioning', 'sampler-in-negative'],
      ['empty_latent-out-latent', 'sampler-in-latent'],
      ['sampler-out-latent', 'vae_decode-in-latent'],
      ['load_pipeline-out-vae', 'vae_decode-in-vae'],
    ];
    for (const [from, to] of wires) await dragWire(page, `handle-${from}`, `handle-${to}`);
    expect((await readDoc(page)).edges).toHaveLength(wires.length);

    // Dropping the decoder's image wire on empty canvas offers only nodes that take an IMAGE.
    const out = await page.getByTestId('handle-vae_decode-out-image').boundingBox();
    if (!out) throw new Error('no image handle');
    await page.mouse.move(out.x + 5, out.y + 5);
    await page.mouse.down();
    await page.mouse.move(out.x + 60, out.y + 180, { steps: 8 });
    await page.mouse.up();
    await page.getByTestId('palette').waitFor();
    const offered = await page
      .locator('[data-testid^="palette-item-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(offered).toContain('palette-item-SaveImage');
    expect(offered).not.toContain('palette-item-Sampler');
    await page.getByTestId('palette-input').fill('save');
    await page.keyboard.press('Enter');
    const built = await readDoc(page);
    expect(built.edges).toContainEqual({ from: ['vae_decode', 'image'], to: ['save_image', 'image'] });

    // Auto-layout puts every node right of the nodes feeding it.
    await page.keyboard.press('l');
    await page.keyboard.press('f');
    const laidOut = await readDoc(page);
    for (const e of laidOut.edges)
      expect(laidOut.nodes[e.from[0]].position[0]).toBeLessThan(laidOut.nodes[e.to[0]].position[0]);

    // Settings: the default model makes 128 x 128 images from prompts naming colours and shapes.
    await page.getByTestId('widget-text_encode-text').fill('a large blue square');
    for (const side of ['width', 'height']) {
      await page.getByTestId(`widget-empty_latent-${side}`).locator('.dg-number-body').click();
      await page.keyboard.type('128');
      await page.keyboard.press('Enter');
    }
    // 1000 steps keep the sampler busy long enough to watch its progress.
    await page.getByTestId('widget-noise_schedule-steps').locator('.dg-number-body').click();
    await page.keyboard.type('1000');
    await page.keyboard.press('Enter');
    const doc = await readDoc(page);
    expect(doc.nodes.noise_schedule.widgets.steps).toBe(1000);
    expect(doc.nodes.empty_latent.widgets).toMatchObject({ width: 128, height: 128 });
    expect(doc.nodes.text_encode.widgets.text).toBe('a large blue square');
    await expect.poll(() => page.getByTestId('problem-count').textContent()).toBe('No problems');

    await recordBadges(page, 'sampler');
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('image-save_image').waitFor({ timeout: 60_000 });
    await expect
      .poll(() =>
        page.getByTestId('image-save_image').evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth),
      )
      .toBe(128);
    const badges = await page.evaluate(() => (window as unknown as { badges: string[] }).badges);
    expect(badges.filter((b) => /^\d+\/1000$/.test(b)).length).toBeGreaterThan(1);
    expect(badges[badges.length - 1]).toMatch(/ms|s$/);
    const [r, g, b] = await shapeColour(page, 'image-save_image');
    expect(b).toBeGreaterThan(r + 40);
    expect(b).toBeGreaterThan(g + 40);
    await page.getByTestId('tab-gallery').click();
    await expect.poll(() => page.getByTestId('gallery-item').count()).toBe(1);
    await page.getByTestId('tab-queue').click();
    await screenshot(page, 'txt2img-built-and-run');
    expect(errors).toEqual([]);
  }, 180_000);

  it('cancels a long run from the queue', async () => {
    const { page, errors } = await editor.open();
    // A long run: 1000 noise levels of annealed Langevin dynamics, 100 denoiser calls each.
    await page.getByTestId('widget-schedule-steps').locator('.dg-number-body').click();
    await page.keyboard.type('1000');
    await page.keyboard.press('Enter');
    await page.getByTestId('widget-sampler-sampler').selectOption('annealed_langevin');
    await page.getByTestId('widget-sampler-langevin_steps').locator('.dg-number-body').click();
    await page.keyboard.type('100');
    await page.keyboard.press('Enter');
    await page.getByTestId('run').click();
    await page.getByTestId('queue-item').waitFor();
    await expect
      .poll(() => page.getByTestId('node-sampler').getAttribute('data-phase'), { timeout: 30_000 })
      .toBe('running');
    await page.getByTestId('progress-sampler').waitFor();
    await screenshot(page, 'cancel-while-running');
    await page.getByTestId('cancel').click();
    await expect
      .poll(() => page.getByTestId('run-status').textContent(), { timeout: 20_000 })
      .toBe('Run cancelled');
    await expect.poll(() => page.getByTestId('queue-item').count()).toBe(0);
    expect(await page.getByTestId('node-sampler').getAttribute('data-phase')).toBe('');
    expect(await page.getByTestId('image-save').count()).toBe(0);
    await screenshot(page, 'cancel-done');
    expect(errors).toEqual([]);
  }, 120_000);
});
