// As a user sees it: search that ranks names first and says when nothing fits,
// Space+drag to pan, and an empty canvas that says what to do instead of showing an error.
import { describe, expect, it } from 'vitest';
import { readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

const viewport = (page: import('playwright-core').Page) =>
  page.locator('.react-flow__viewport').evaluate((el) => getComputedStyle(el).transform);

describe('ComfyUI habits', () => {
  it('an empty canvas shows a hint, not an error', async () => {
    const { page, errors } = await editor.open();
    expect(await page.getByTestId('empty-hint').count()).toBe(0);
    await page.getByTestId('new').click();
    await page.getByTestId('empty-hint').waitFor();
    expect(await page.getByTestId('empty-hint').textContent()).toContain(
      'Double-click the canvas to add a node',
    );
    await expect.poll(() => page.getByTestId('problem-count').textContent()).toBe('No problems');
    expect(await page.getByTestId('graph-problem').count()).toBe(0);
    await screenshot(page, 'empty-canvas-hint');
    expect(errors).toEqual([]);
  }, 60_000);

  it('search puts name matches first, skips scattered letters and says when nothing fits', async () => {
    const { page, errors } = await editor.open();
    await page.mouse.dblclick(900, 150);
    await page.getByTestId('palette-input').fill('decode');
    const first = page.locator('[data-testid^="palette-item-"]').first();
    expect(await first.getAttribute('data-testid')).toBe('palette-item-VAEDecode');
    await page.getByTestId('palette-input').fill('lora');
    const lora = await page
      .locator('[data-testid^="palette-item-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    // The catalogue has no LoRA node: scattered l-o-r-a letters in descriptions must not match.
    expect(lora.every((id) => /lora/i.test(id ?? ''))).toBe(true);
    await page.getByTestId('palette-input').fill('zzqx');
    expect(await page.locator('.dg-palette-empty').textContent()).toBe('No matching nodes');
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
  }, 60_000);

  it('Space+drag pans the canvas, even from on top of a node, without opening anything', async () => {
    const { page, errors } = await editor.open();
    const before = await viewport(page);
    const position = (await readDoc(page)).nodes.sampler.position;
    const header = await page.getByTestId('node-sampler').locator('.dg-node-header').boundingBox();
    if (!header) throw new Error('no sampler header');
    await page.mouse.move(header.x + 40, header.y + header.height / 2);
    await page.keyboard.down('Space');
    await page.mouse.down();
    await page.mouse.move(700, 300, { steps: 8 });
    await page.mouse.up();
    await page.keyboard.up('Space');
    expect(await viewport(page)).not.toBe(before);
    // The view moved, not the node under the pointer.
    expect((await readDoc(page)).nodes.sampler.position).toEqual(position);
    expect(await page.getByTestId('palette').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  it('a wire dropped on a node body connects to its first socket that takes it', async () => {
    const { page, errors } = await editor.open();
    const from = await page.getByTestId('handle-latent-out-latent').boundingBox();
    const body = await page.getByTestId('node-decode').boundingBox();
    if (!from || !body) throw new Error('nodes not on screen');
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(body.x + body.width / 2, body.y + body.height - 6, { steps: 10 });
    await page.mouse.up();
    const doc = await readDoc(page);
    expect(doc.edges).toContainEqual({ from: ['latent', 'latent'], to: ['decode', 'latent'] });
    expect(await page.getByTestId('palette').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);

  it('Ctrl+Shift+V pastes keeping the input wires; Ctrl+V does not', async () => {
    const { page, errors } = await editor.open();
    await page.getByTestId('node-sampler').locator('.dg-node-header').click();
    await page.keyboard.press('Control+c');
    await page.mouse.move(300, 850);
    await page.keyboard.press('Control+v');
    await page.mouse.move(900, 850);
    await page.keyboard.press('Control+Shift+v');
    const doc = await readDoc(page);
    const into = (id: string) =>
      doc.edges.filter((e) => e.to[0] === id).map((e) => `${e.from[0]}.${e.from[1]}>${e.to[1]}`);
    expect(into('sampler_2')).toEqual([]);
    expect(into('sampler_3').sort()).toEqual(into('sampler').sort());
    expect(into('sampler_3')).toHaveLength(5);
    expect(errors).toEqual([]);
  }, 60_000);

  it('Queue ×3 queues three runs, each with the seed the previous one moved on to', async () => {
    const { page, errors } = await editor.open();
    await page.getByTestId('widget-sampler-seed-control').selectOption('increment');
    const seed = (await readDoc(page)).nodes.sampler.widgets.seed as number;
    await page.getByTestId('queue-count').fill('3');
    expect(await page.getByTestId('run').textContent()).toBe('▶ Run ×3');
    await page.getByTestId('run').click();
    await page.getByTestId('tab-gallery').click();
    await expect.poll(() => page.getByTestId('gallery-item').count(), { timeout: 60_000 }).toBe(3);
    const captions = await page.locator('.dg-gallery-item figcaption').allTextContents();
    expect(captions.map((c) => c.split(' ·')[0]).sort()).toEqual([
      `seed ${seed}`,
      `seed ${seed + 1}`,
      `seed ${seed + 2}`,
    ]);
    expect((await readDoc(page)).nodes.sampler.widgets.seed).toBe(seed + 3);
    expect(errors).toEqual([]);
  }, 90_000);

  it('a primitive made from the seed widget starts at its value and keeps "randomize"', async () => {
    const { page, errors } = await editor.open();
    const seed = (await readDoc(page)).nodes.sampler.widgets.seed;
    await page.getByTestId('widget-sampler-seed').hover();
    await page.getByTestId('to-input-sampler-seed').click();
    const handle = await page.getByTestId('handle-sampler-in-seed').boundingBox();
    if (!handle) throw new Error('no seed socket');
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(1150, 720, { steps: 10 });
    await page.mouse.up();
    await page.getByTestId('palette-input').fill('int');
    await page.getByTestId('palette-item-Int').click();
    const doc = await readDoc(page);
    const id = doc.edges.find((e) => e.to[0] === 'sampler' && e.to[1] === 'seed')?.from[0] ?? '';
    expect(doc.nodes[id]?.type).toBe('Int');
    expect(doc.nodes[id].widgets.value).toBe(seed);
    expect(await page.getByTestId(`widget-${id}-value-control`).inputValue()).toBe('randomize');
    expect(errors).toEqual([]);
  }, 60_000);
});
