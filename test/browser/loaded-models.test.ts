// The status bar's loaded-models entry, as a user sees it: after a run it counts the models the engine
// holds with their bytes; Unload on one model releases just that one, Unload all the rest.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openEditor } from './support/browser.ts';
import { type EditorServer, startEditorServer } from './support/server.ts';

let server: EditorServer;
let browser: Browser;

beforeAll(async () => {
  server = await startEditorServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('loaded models in the status bar', () => {
  it('lists what a run loaded with bytes and unloads one model, then all', async () => {
    const { page, errors } = await openEditor(browser, server.url);
    const entry = page.getByTestId('loaded-models');
    await expect.poll(() => entry.locator('summary').textContent()).toMatch(/^0 models loaded/);
    await page.getByTestId('run').click();
    await page.getByTestId('image-save').waitFor({ timeout: 60_000 });
    await expect
      .poll(() => entry.locator('summary').textContent())
      .toMatch(/^[1-9]\d* models loaded · [\d.]+ (MiB|GiB)$/);
    const before = Number(((await entry.locator('summary').textContent()) ?? '').split(' ')[0]);
    await entry.locator('summary').click();
    const rows = entry.locator('.dg-loaded-model');
    expect(await rows.count()).toBe(before);
    await rows.first().getByRole('button', { name: 'Unload' }).click();
    await expect.poll(() => rows.count()).toBe(before - 1);
    // The default graph loads its text encoder, U-Net and VAE decoder: more than one model.
    expect(before).toBeGreaterThan(1);
    await entry.getByRole('button', { name: 'Unload all' }).click();
    await expect.poll(() => rows.count()).toBe(0);
    await expect.poll(() => entry.locator('summary').textContent()).toMatch(/^0 models loaded/);
    expect(errors).toEqual([]);
  });
});
