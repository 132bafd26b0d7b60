// The panels a ComfyUI user reaches for, as a user sees them: the node library and the model library
// (with each file's architecture, also in the loaders' pickers). Settings: settings-panel.test.ts.
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../main/checkpoint/safetensors-write.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { launchBrowser, openEditor, readDoc, screenshot } from './support/browser.ts';
import { MODEL_FILES } from './support/model-files.ts';
import { type EditorServer, startEditorServer } from './support/server.ts';

let server: EditorServer;
let browser: Browser;

beforeAll(async () => {
  server = await startEditorServer();
  for (const [name, tensors] of Object.entries(MODEL_FILES)) {
    await mkdir(join(server.paths.models, name, '..'), { recursive: true });
    await writeSafetensors(join(server.paths.models, name), tensors);
  }
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const nodesOfType = async (page: Page, type: string) =>
  Object.entries((await readDoc(page)).nodes).filter(([, n]) => n.type === type);

describe('node library', () => {
  it('lists every category, searches, previews a node and adds it by click or drag', async () => {
    const { page, errors } = await openEditor(browser, `${server.url}?fresh`);
    await page.getByTestId('left-tab-nodes').click();
    const categories = new Set(builtinNodes().map((n) => n.category));
    for (const category of categories) await page.getByTestId(`library-category-${category}`).waitFor();

    await page.getByTestId('node-library-search').fill('lora');
    await expect.poll(() => page.getByTestId('library-node-LoadLoRA').count()).toBe(1);
    await page.getByTestId('library-node-LoadLoRA').hover();
    const lora = builtinNodes().find((n) => n.type === 'LoadLoRA');
    const inputs = await page.getByTestId('node-preview-inputs').textContent();
    for (const input of lora?.inputs ?? []) expect(inputs).toContain(`${input.name} ${input.type}`);
    const widgets = await page.getByTestId('node-preview-widgets').textContent();
    expect(widgets).toContain('strength model');
    expect(await page.getByTestId('node-preview-outputs').textContent()).toContain('model MODEL');
    await screenshot(page, 'node library preview');

    await page.getByTestId('library-node-LoadLoRA').click();
    expect(await nodesOfType(page, 'LoadLoRA')).toHaveLength(1);
    await expect
      .poll(() => page.locator('.react-flow__node').filter({ hasText: 'Load LoRA' }).count())
      .toBe(1);

    // Dragged onto the canvas: the node lands where it was dropped.
    await page.getByTestId('node-library-search').fill('empty latent');
    const canvas = await page.getByTestId('canvas').boundingBox();
    const drop = { x: (canvas?.width ?? 800) - 300, y: (canvas?.height ?? 600) - 150 };
    await page
      .getByTestId('library-node-EmptyLatent')
      .dragTo(page.getByTestId('canvas'), { targetPosition: drop });
    const latents = await nodesOfType(page, 'EmptyLatent');
    expect(latents.length).toBe(2);
    const added = page.getByTestId(`node-${latents[1][0]}`);
    const box = await added.boundingBox();
    expect(Math.abs((box?.x ?? 0) - ((canvas?.x ?? 0) + drop.x))).toBeLessThan(120);
    expect(Math.abs((box?.y ?? 0) - ((canvas?.y ?? 0) + drop.y))).toBeLessThan(60);

    await page.getByTestId('node-library-search').fill('zzqx');
    expect(await page.getByTestId('node-library').textContent()).toContain('No nodes match');
    expect(errors).toEqual([]);
  }, 90_000);
});

describe('model library', () => {
  it('shows checkpoints, LoRAs and VAEs with architecture and size; a click inserts the loader', async () => {
    const { page, errors } = await openEditor(browser, `${server.url}?fresh`);
    await page.getByTestId('left-tab-models').click();
    const checkpoint = page.getByTestId('model-checkpoints-tiny-sd15.safetensors');
    await checkpoint.waitFor();
    expect(await checkpoint.getByTestId('model-architecture').textContent()).toBe('SD 1.x');
    const bytes = (await stat(join(server.paths.models, 'checkpoints/tiny-sd15.safetensors'))).size;
    expect(await checkpoint.getByTestId('model-size').textContent()).toBe(`${(bytes / 1000).toFixed(1)} kB`);
    expect(await page.getByTestId('model-loras-style.safetensors').textContent()).toContain('LoRA');
    expect(await page.getByTestId('model-vae-ft.safetensors').textContent()).toContain('VAE');
    await screenshot(page, 'model library');

    await checkpoint.click();
    const [[ckptId, ckpt]] = await nodesOfType(page, 'LoadCheckpoint');
    expect(ckpt.widgets.checkpoint).toBe('tiny-sd15.safetensors');
    await page.getByTestId('model-loras-style.safetensors').click();
    const [[loraId, lora]] = await nodesOfType(page, 'LoadLoRA');
    expect(lora.widgets.lora).toBe('style.safetensors');
    await page.getByTestId('model-vae-ft.safetensors').click();
    expect((await nodesOfType(page, 'LoadVAE'))[0][1].widgets.file).toBe('ft.safetensors');

    // The pickers name each file with its architecture, and list only files of their kind.
    const ckptOptions = await page
      .getByTestId(`widget-${ckptId}-checkpoint`)
      .locator('option')
      .allInnerTexts();
    expect(ckptOptions).toEqual(['tiny-sd15.safetensors · SD 1.x']);
    const loraOptions = await page.getByTestId(`widget-${loraId}-lora`).locator('option').allInnerTexts();
    expect(loraOptions).toHaveLength(1);
    expect(loraOptions[0]).toMatch(/^style\.safetensors · LoRA/);
    expect(errors).toEqual([]);
  }, 90_000);
});
