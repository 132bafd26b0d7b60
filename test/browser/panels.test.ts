// The panels a ComfyUI user reaches for, as a user sees them: the node library, the model library
// (with each file's architecture, also in the loaders' pickers) and settings kept across reloads.
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TensorToWrite, writeSafetensors } from '../../main/checkpoint/safetensors-write.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { launchBrowser, openEditor, readDoc, screenshot } from './support/browser.ts';
import { type EditorServer, startEditorServer } from './support/server.ts';

let server: EditorServer;
let browser: Browser;

// Just enough of each file's keys and shapes for the header-only detection to tell what it is:
// an SD 1.x U-Net's cross-attention takes 768-wide text features.
const U = 'model.diffusion_model.';
const zeros = (name: string, shape: number[]): TensorToWrite => ({
  name,
  shape,
  dtype: 'F16',
  values: new Float32Array(shape.reduce((a, b) => a * b, 1)),
});
const MODEL_FILES: Record<string, TensorToWrite[]> = {
  'checkpoints/tiny-sd15.safetensors': [
    zeros(`${U}input_blocks.0.0.weight`, [8, 4, 3, 3]),
    zeros(`${U}input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight`, [8, 768]),
    zeros('cond_stage_model.transformer.text_model.embeddings.token_embedding.weight', [4, 8]),
  ],
  'loras/style.safetensors': [
    zeros('lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', [2, 8]),
    zeros('lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', [8, 2]),
  ],
  'vae/ft.safetensors': [
    zeros('encoder.conv_in.weight', [8, 3, 3, 3]),
    zeros('decoder.conv_in.weight', [8, 4, 3, 3]),
  ],
};

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

const cssVar = (page: Page, name: string) =>
  page.evaluate((n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(), name);
const wirePaths = (page: Page) =>
  page.locator('.react-flow__edge-path').evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));

describe('settings in the browser', () => {
  it('theme and wire style apply at once and survive a reload', async () => {
    const { page, errors } = await openEditor(browser, `${server.url}?fresh`);
    await page.evaluate(() => localStorage.removeItem('diffgraph.settings'));
    await page.reload();
    await page.getByTestId('canvas').waitFor();
    await page.getByTestId('left-tab-settings').click();
    expect(await cssVar(page, '--bg')).toBe('#16171b');
    await page.getByTestId('setting-theme').selectOption('light');
    expect(await cssVar(page, '--bg')).toBe('#f3f4f6');
    const pane = await page
      .locator('.dg-canvas .react-flow')
      .evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(pane).toBe('rgb(243, 244, 246)');

    expect((await wirePaths(page)).every((d) => d.includes('C'))).toBe(true);
    await page.getByTestId('setting-link-style').selectOption('straight');
    await expect
      .poll(async () => (await wirePaths(page)).every((d) => /^M[^CQ]*L[^CQ]*$/.test(d)))
      .toBe(true);
    await page.getByTestId('setting-link-style').selectOption('hidden');
    const opacity = await page
      .locator('.react-flow__edge-path')
      .first()
      .evaluate((e) => getComputedStyle(e).strokeOpacity);
    expect(opacity).toBe('0');
    await page.getByTestId('setting-link-style').selectOption('linear');
    await screenshot(page, 'settings light linear');

    await page.reload();
    await page.getByTestId('canvas').waitFor();
    expect(await cssVar(page, '--bg')).toBe('#f3f4f6');
    await page.getByTestId('left-tab-settings').click();
    expect(await page.getByTestId('setting-link-style').inputValue()).toBe('linear');
    expect((await wirePaths(page)).some((d) => d.includes('C'))).toBe(false);
    expect(await page.getByTestId('setting-models-folders').textContent()).toContain(server.paths.models);
    expect(errors).toEqual([]);
  }, 90_000);

  it('a key binding is edited, refused when taken, kept, and a bad stored value is named', async () => {
    const { page, errors } = await openEditor(browser, `${server.url}?fresh`);
    await page.evaluate(() => localStorage.removeItem('diffgraph.settings'));
    await page.reload();
    await page.getByTestId('canvas').waitFor();
    await page.getByTestId('left-tab-settings').click();
    const noteKey = page.getByTestId('keybinding-Shift+N');
    await noteKey.click();
    await page.keyboard.press('Alt+N');
    expect(await noteKey.textContent()).toBe('Alt+N');

    const notes = async () => (await readDoc(page)).notes?.length ?? 0;
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('Shift+N');
    expect(await notes()).toBe(0);
    await page.keyboard.press('Alt+N');
    expect(await notes()).toBe(1);

    await noteKey.click();
    await page.keyboard.press('Control+Z');
    await expect
      .poll(() => page.getByTestId('toast-error').allInnerTexts())
      .toContain('Ctrl+Z already triggers "Undo"');
    expect(await noteKey.textContent()).toBe('Alt+N');

    await page.reload();
    await page.getByTestId('canvas').waitFor();
    await page.getByTestId('left-tab-settings').click();
    expect(await page.getByTestId('keybinding-Shift+N').textContent()).toBe('Alt+N');

    // Hand-edited storage: the bad field is named and falls back; the good ones stay.
    await page.evaluate(() =>
      localStorage.setItem('diffgraph.settings', JSON.stringify({ theme: 'light', linkStyle: 'zigzag' })),
    );
    await page.reload();
    await page.getByTestId('canvas').waitFor();
    await expect
      .poll(() => page.getByTestId('toast-error').allInnerTexts())
      .toEqual([expect.stringContaining('settings.linkStyle')]);
    expect(await cssVar(page, '--bg')).toBe('#f3f4f6');
    expect(errors).toEqual([]);
  }, 90_000);

  it("the server's models folder and device are changed here, kept, and a missing folder is refused", async () => {
    const other = join(server.paths.models, '..', 'other-models');
    await mkdir(join(other, 'checkpoints'), { recursive: true });
    await writeSafetensors(
      join(other, 'checkpoints', 'other.safetensors'),
      MODEL_FILES['checkpoints/tiny-sd15.safetensors'],
    );
    const { page, errors } = await openEditor(browser, `${server.url}?fresh`);
    await page.getByTestId('left-tab-settings').click();
    await page.getByTestId('setting-models-dir').fill(join(other, 'missing'));
    await page.getByTestId('setting-models-dir-apply').click();
    await expect
      .poll(() => page.getByTestId('toast-error').allTextContents())
      .toContain(
        `Could not change the settings: models folder ${join(other, 'missing')} is not an existing folder`,
      );

    await page.getByTestId('setting-models-dir').fill(other);
    await page.getByTestId('setting-models-dir-apply').click();
    // The engine restarts (a new worker thread): seconds on a busy machine.
    await expect
      .poll(() => page.getByTestId('setting-models-folders').textContent(), { timeout: 60_000 })
      .toContain(other);
    await page.getByTestId('setting-device').selectOption('cpu');
    await expect
      .poll(() => page.getByTestId('toast-info').allTextContents(), { timeout: 60_000 })
      .toContain('Saved device cpu; the engine restarted');
    await expect
      .poll(
        async () => JSON.parse(await readFile(join(server.paths.models, '..', 'settings.json'), 'utf8')),
        {
          timeout: 60_000,
        },
      )
      .toMatchObject({ modelsDir: other, device: 'cpu' });

    await page.getByTestId('left-tab-models').click();
    await page.getByTestId('model-checkpoints-other.safetensors').waitFor();
    expect(await page.getByTestId('model-checkpoints-tiny-sd15.safetensors').count()).toBe(0);
    // The restarted engine runs graphs (the default model is bundled, found whatever the folder).
    await page.getByTestId('run').click();
    await page.getByTestId('image-save').waitFor({ timeout: 60_000 });

    await page.reload();
    await page.getByTestId('canvas').waitFor();
    await page.getByTestId('left-tab-settings').click();
    await expect.poll(() => page.getByTestId('setting-models-dir').inputValue()).toBe(other);
    expect(await page.getByTestId('setting-device').inputValue()).toBe('cpu');
    await page.getByTestId('setting-models-dir').fill(server.paths.models);
    await page.getByTestId('setting-models-dir-apply').click();
    await expect
      .poll(() => page.getByTestId('setting-models-folders').textContent(), { timeout: 60_000 })
      .toContain(server.paths.models);
    expect(errors).toEqual([]);
  }, 120_000);

  it('the device list offers only the devices this host can use and says why the others are missing', async () => {
    const { page, errors } = await openEditor(browser, `${server.url}?fresh`);
    // What the host reports, asked the way the editor asks it.
    const report = await page.evaluate(async () => {
      const answer = await fetch('/api/devices', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '[]',
      });
      return (await answer.json()).result as { devices: { name: string; available: boolean }[] };
    });
    const usable = report.devices.filter((d) => d.available).map((d) => d.name);
    const missing = ['cpu', 'webgpu', 'cuda', 'dml', 'coreml'].filter((name) => !usable.includes(name));
    // No machine has every provider (DirectML is Windows-only, Core ML macOS-only).
    expect(missing.length).toBeGreaterThan(0);
    await page.getByTestId('left-tab-settings').click();
    const select = page.getByTestId('setting-device');
    await expect
      .poll(() =>
        select.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value)),
      )
      .toEqual(usable);
    const note = (await page.getByTestId('setting-device-missing').textContent()) ?? '';
    for (const name of missing) expect(note).toContain(`${name}: `);
    expect(errors).toEqual([]);
  }, 60_000);
});
