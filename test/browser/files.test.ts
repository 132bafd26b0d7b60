// Files and validation: save and reopen, a PNG made by the app restores its graph, live problems.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ROOT } from '../../main/paths.ts';
import { dropFile, readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

describe('files', () => {
  it('saves a graph and reopens the same graph in a new window', async () => {
    const { page, errors } = await editor.open();
    await page.getByTestId('widget-positive-text').fill('a small green ring at the top');
    await page.getByTestId('widget-sampler-seed-control').selectOption('increment');
    await page.getByTestId('dirty-marker').waitFor();
    const edited = await readDoc(page);
    await page.keyboard.press('Control+s');
    await page.getByTestId('save-as-name').fill('rings');
    await page.getByTestId('save-as-confirm').click();
    await expect.poll(() => page.getByTestId('doc-name').textContent()).toBe('rings.json');
    expect(await page.getByTestId('dirty-marker').count()).toBe(0);
    // The host records the models the graph uses (by content hash) next to what the editor had.
    const onDisk = JSON.parse(await readFile(join(editor.server.paths.graphs, 'rings.json'), 'utf8'));
    // The file also keeps the view it was saved at.
    const { models, viewport, ...saved } = onDisk;
    expect(saved).toEqual(edited);
    expect(viewport).toEqual({ x: expect.any(Number), y: expect.any(Number), zoom: expect.any(Number) });
    expect(models).toEqual([{ name: 'diffgraph-shapes', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    const fresh = await editor.open();
    await fresh.page.getByTestId('open').click();
    await fresh.page.getByTestId('open-graphs:rings.json').click();
    await expect.poll(() => fresh.page.getByTestId('doc-name').textContent()).toBe('rings.json');
    expect(await readDoc(fresh.page)).toEqual(onDisk);
    expect(await fresh.page.getByTestId('widget-sampler-seed-control').inputValue()).toBe('increment');
    await screenshot(fresh.page, 'save-and-reopen');
    expect([...errors, ...fresh.errors]).toEqual([]);
  });

  it('asks before dropping unsaved changes', async () => {
    const { page } = await editor.open();
    await page.getByTestId('widget-positive-text').fill('a yellow cross');
    await page.getByTestId('new').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await screenshot(page, 'unsaved-changes-prompt');
    await page.getByText('Keep editing').click();
    expect((await readDoc(page)).nodes.positive.widgets.text).toBe('a yellow cross');
    await page.getByTestId('new').click();
    await page.getByTestId('confirm-discard').click();
    expect(Object.keys((await readDoc(page)).nodes)).toEqual([]);
  });

  it('restores the graph embedded in a PNG the app made, dropped on the canvas', async () => {
    const { page, errors } = await editor.open();
    await page.getByTestId('widget-positive-text').fill('a large purple triangle');
    const queued = await readDoc(page);
    await page.getByTestId('run').click();
    await page.getByTestId('image-save').waitFor({ timeout: 60_000 });
    const pngs = (await readdir(editor.server.paths.output)).filter((f) => f.endsWith('.png'));
    expect(pngs).toHaveLength(1);
    const png = await readFile(join(editor.server.paths.output, pngs[0]));

    await page.getByTestId('new').click();
    await page.getByTestId('confirm-discard').click();
    expect(Object.keys((await readDoc(page)).nodes)).toEqual([]);
    await dropFile(page, pngs[0], 'image/png', png);
    await expect
      .poll(async () => Object.keys((await readDoc(page)).nodes).length)
      .toBe(Object.keys(queued.nodes).length);
    const { models, ...restored } = await readDoc(page);
    expect(restored).toEqual(queued);
    expect(models).toEqual([{ name: 'diffgraph-shapes', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    await screenshot(page, 'png-dropped');

    // A PNG without a graph is refused with a message, and the document stays as it is.
    const plain = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    await dropFile(page, 'photo.png', 'image/png', plain);
    await expect
      .poll(() => page.getByTestId('toast-error').textContent())
      .toBe('photo.png carries no Diffgraph graph');
    expect(await readDoc(page)).toEqual({ ...queued, models });
    expect(errors).toEqual([]);
  }, 120_000);

  it('opens a graph .json dropped on the canvas', async () => {
    const { page } = await editor.open();
    const graph = {
      format: 'diffgraph',
      version: 1,
      nodes: { n: { type: 'Int', widgets: { value: 7 }, position: [100, 100] } },
      edges: [],
    };
    await dropFile(page, 'tiny.json', 'application/json', Buffer.from(JSON.stringify(graph)));
    await expect.poll(async () => (await readDoc(page)).nodes).toEqual(graph.nodes);
  });
});

describe('templates', () => {
  it('opens every shipped template and draws all of its nodes and wires', async () => {
    const { page, errors } = await editor.open();
    await page.getByTestId('open').click();
    await page.getByTestId('open-dialog').waitFor();
    const ids = await page
      .locator('[data-testid^="open-template:"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')?.slice('open-'.length) ?? ''));
    expect(ids).toContain('template:default.json');
    await page.keyboard.press('Escape');
    for (const id of ids) {
      await page.getByTestId('open').click();
      await page.getByTestId(`open-${id}`).click();
      const confirm = page.getByTestId('confirm-discard');
      if (await confirm.isVisible()) await confirm.click();
      const expected = JSON.parse(
        await readFile(join(APP_ROOT, 'graphs', id.slice('template:'.length)), 'utf8'),
      );
      await expect
        .poll(async () => Object.keys((await readDoc(page)).nodes))
        .toEqual(Object.keys(expected.nodes));
      const doc = await readDoc(page);
      // A graph opens at a readable zoom, and only nodes in view are drawn: fit it all in view first.
      await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('f');
      await expect
        .poll(() => page.locator('.react-flow__node-graph').count())
        .toBe(Object.keys(doc.nodes).length);
      await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(doc.edges.length);
    }
    expect(errors).toEqual([]);
  });
});

describe('live validation', () => {
  it('shows a missing input on its node and input before any run', async () => {
    const { page, errors } = await editor.open();
    await expect.poll(() => page.getByTestId('problem-count').textContent()).toBe('No problems');
    await page.getByTestId('node-latent').locator('.dg-node-header').click();
    await page.keyboard.press('Delete');
    const problems = page.getByTestId('node-sampler').getByTestId('node-problems');
    await problems.waitFor();
    expect(await problems.textContent()).toMatch(/latent/);
    expect(await page.getByTestId('port-sampler-in-latent').getAttribute('class')).toContain(
      'dg-field-problem',
    );
    expect(await page.getByTestId('node-sampler').getAttribute('class')).toContain('dg-has-problem');
    await expect.poll(() => page.getByTestId('problem-count').textContent()).toBe('1 problem');
    await screenshot(page, 'validation-error');
    await page.keyboard.press('Control+z');
    await expect.poll(() => page.getByTestId('problem-count').textContent()).toBe('No problems');
    expect(await page.getByTestId('node-sampler').getByTestId('node-problems').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('keeps an unknown node type as a placeholder with its data', async () => {
    const { page } = await editor.open();
    const graph = {
      format: 'diffgraph',
      version: 1,
      nodes: {
        up: {
          type: 'FancyUpscaler',
          widgets: { factor: 4, mode: 'lanczos' },
          position: [300, 100],
          plugin: { v: 2 },
        },
        n: { type: 'Int', widgets: { value: 3 }, position: [0, 100] },
      },
      edges: [{ from: ['n', 'int'], to: ['up', 'factor'] }],
    };
    await dropFile(page, 'plugin.json', 'application/json', Buffer.from(JSON.stringify(graph)));
    const node = page.getByTestId('node-up');
    await node.waitFor();
    expect(await node.textContent()).toContain('Unknown node type “FancyUpscaler”');
    expect(await node.textContent()).toContain('"lanczos"');
    expect(await page.locator('.react-flow__edge').count()).toBe(1);
    await screenshot(page, 'unknown-node-placeholder');
    expect(await readDoc(page)).toEqual(graph);
  });
});
