// A graph opens at a zoom where its text is readable, and the page has an icon.
import { describe, expect, it } from 'vitest';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

describe('a readable canvas', () => {
  it('opens a graph at zoom 0.75 or more even in a small window, and shows a favicon', async () => {
    const { page, errors } = await editor.open();
    await page.setViewportSize({ width: 900, height: 640 });
    await page.getByTestId('open').click();
    await page.getByTestId('open-template:default.json').first().click();
    await page.waitForTimeout(300);
    const zoom = await page
      .locator('.react-flow__viewport')
      .evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).a);
    expect(zoom).toBeGreaterThanOrEqual(0.75);
    // Widget labels at that zoom are at least 11 px tall on screen.
    const label = await page.getByTestId('node-sampler').locator('.dg-label').first().boundingBox();
    expect(label?.height ?? 0).toBeGreaterThanOrEqual(11);

    const href = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(href).toBeTruthy();
    const icon = await page.request.get(new URL(href ?? '', editor.server.url).toString());
    expect(icon.status()).toBe(200);
    expect(icon.headers()['content-type']).toContain('svg');
    expect(errors).toEqual([]);
  }, 60_000);

  it('marks optional inputs in words, with a tooltip', async () => {
    const { page, errors } = await editor.open();
    const mark = page.getByTestId('optional-sampler-negative');
    expect(await mark.textContent()).toBe('optional');
    expect(await mark.getAttribute('title')).toBe('Optional input: the node runs without it');
    expect(await page.getByTestId('optional-sampler-model').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
