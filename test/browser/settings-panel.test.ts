// Settings in the browser, as a user changes them: theme and wire style, key bindings, and the
// server's models folder and device, kept across reloads; bad values refused or named.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { writeSafetensors } from '../../main/checkpoint/safetensors-write.ts';
import { openEditor, readDoc, screenshot } from './support/browser.ts';
import { MODEL_FILES } from './support/model-files.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

const cssVar = (page: Page, name: string) =>
  page.evaluate((n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(), name);
const wirePaths = (page: Page) =>
  page.locator('.react-flow__edge-path').evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));

describe('settings in the browser', () => {
  it('theme and wire style apply at once and survive a reload', async () => {
    const { page, errors } = await openEditor(editor.browser, `${editor.server.url}?fresh`);
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
    expect(await page.getByTestId('setting-models-folders').textContent()).toContain(
      editor.server.paths.models,
    );
    expect(errors).toEqual([]);
  }, 90_000);

  it('a key binding is edited, refused when taken, kept, and a bad stored value is named', async () => {
    const { page, errors } = await openEditor(editor.browser, `${editor.server.url}?fresh`);
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
    const other = join(editor.server.paths.models, '..', 'other-models');
    await mkdir(join(other, 'checkpoints'), { recursive: true });
    await writeSafetensors(
      join(other, 'checkpoints', 'other.safetensors'),
      MODEL_FILES['checkpoints/tiny-sd15.safetensors'],
    );
    const { page, errors } = await openEditor(editor.browser, `${editor.server.url}?fresh`);
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
        async () =>
          JSON.parse(await readFile(join(editor.server.paths.models, '..', 'settings.json'), 'utf8')),
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
    await page.getByTestId('setting-models-dir').fill(editor.server.paths.models);
    await page.getByTestId('setting-models-dir-apply').click();
    await expect
      .poll(() => page.getByTestId('setting-models-folders').textContent(), { timeout: 60_000 })
      .toContain(editor.server.paths.models);
    expect(errors).toEqual([]);
  }, 120_000);

  it('the device list offers only the devices this host can use and says why the others are missing', async () => {
    const { page, errors } = await openEditor(editor.browser, `${editor.server.url}?fresh`);
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
