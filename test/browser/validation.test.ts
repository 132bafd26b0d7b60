// As a user sees it: sizes the model cannot take, sizes off the 8-pixel grid and
// number text that is not a number are errors before the run, on the field; the problem count
// opens a list whose entries show the node.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

async function typeInto(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).locator('.dg-number-body').click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

describe('validation before the run', () => {
  it('flags a latent size the model cannot take, on the field, and lists it', async () => {
    const { page, errors } = await editor.open();
    await expect.poll(() => page.getByTestId('problem-count').textContent()).toBe('No problems');
    await typeInto(page, 'widget-latent-width', '512');
    await typeInto(page, 'widget-latent-height', '512');
    await expect.poll(() => page.getByTestId('problem-count').textContent()).toBe('1 problem');
    const problems = page.getByTestId('node-latent').getByTestId('node-problems');
    await expect
      .poll(() => problems.textContent())
      .toBe(
        'The model "diffgraph-shapes" takes 128x128 px images (16x16 latents); this latent is 512x512 px',
      );
    expect(await page.locator('[data-testid="node-latent"] .dg-widget-row.dg-field-problem').count()).toBe(1);

    // The count opens the list; an entry selects the node and brings it to the middle.
    await page.mouse.move(700, 500);
    await page.mouse.wheel(0, -1200);
    await page.getByTestId('problem-count').click();
    const entry = page.getByTestId('problem-list').getByTestId('problem-entry');
    expect(await entry.textContent()).toMatch(
      /^Empty Latent · width: The model "diffgraph-shapes" takes 128x128/,
    );
    await entry.click();
    expect(await page.locator('.react-flow__node.selected [data-testid="node-latent"]').count()).toBe(1);
    const canvas = await page.getByTestId('canvas').boundingBox();
    await expect
      .poll(async () => {
        const box = await page.getByTestId('node-latent').boundingBox();
        if (!box || !canvas) return Number.POSITIVE_INFINITY;
        return Math.hypot(
          box.x + box.width / 2 - (canvas.x + canvas.width / 2),
          box.y + box.height / 2 - (canvas.y + canvas.height / 2),
        );
      })
      .toBeLessThan(20);
    await screenshot(page, 'validation-model-size');

    // Running anyway is refused with the same words, before anything runs.
    await page.getByTestId('run').click();
    await expect.poll(() => page.getByTestId('run-status').textContent()).toBe('Run refused: 1 problem');
    expect(await page.getByTestId('node-badge').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 120_000);

  it('shows number text that does not fit as an error on the field, keeping the value', async () => {
    const { page, errors } = await editor.open();
    const cases: [string, string, string][] = [
      ['widget-sampler-cfg', 'abc', '"abc" is not a number'],
      ['widget-sampler-cfg', '7,5', '"7,5" is not a number: use a dot for decimals (7.5)'],
      ['widget-latent-height', '100', 'expected a multiple of 8, got 100'],
      ['widget-schedule-steps', '2.5', 'expected a whole number, got 2.5'],
    ];
    const before = await readDoc(page);
    for (const [field, text, message] of cases) {
      await typeInto(page, field, text);
      const error = page.getByTestId(`${field}-error`);
      expect(await error.textContent()).toBe(message);
      expect(await page.getByTestId(field).getAttribute('class')).toContain('dg-number-invalid');
      if (text === '7,5') await screenshot(page, 'validation-number-text');
      await page.keyboard.press('Escape');
      expect(await error.count()).toBe(0);
    }
    const after = await readDoc(page);
    expect(after.nodes.sampler.widgets.cfg).toBe(before.nodes.sampler.widgets.cfg);
    expect(after.nodes.latent.widgets.height).toBe(before.nodes.latent.widgets.height);
    expect(after.nodes.schedule.widgets.steps).toBe(before.nodes.schedule.widgets.steps);

    // Out of range: shown, not clamped; a good value then goes in.
    await page.getByTestId('widget-sampler-cfg').locator('.dg-number-body').click();
    await page.keyboard.type('1000');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('widget-sampler-cfg-error').textContent()).toMatch(
      /^1000 is above the maximum/,
    );
    await page.keyboard.press('Control+a');
    await page.keyboard.type('7.5');
    await page.keyboard.press('Enter');
    expect((await readDoc(page)).nodes.sampler.widgets.cfg).toBe(7.5);
    expect(errors).toEqual([]);
  }, 120_000);
});
