// Where things land, as a user sees it: new nodes never on another node, under the minimap or past
// the canvas edge (the view follows them), a running node's pictures never over the node below,
// and auto-layout takes groups and reroute points along.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { APP_ROOT } from '../../main/paths.ts';
import { addNodeByPalette, readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (outer: Box, inner: Box) =>
  inner.x >= outer.x - 1 &&
  inner.y >= outer.y - 1 &&
  inner.x + inner.width <= outer.x + outer.width + 1 &&
  inner.y + inner.height <= outer.y + outer.height + 1;

async function box(page: Page, testId: string): Promise<Box> {
  const b = await page.getByTestId(testId).boundingBox();
  if (!b) throw new Error(`${testId} is not on screen`);
  return b;
}

/** Screen boxes of the graph nodes drawn (nodes out of view are not), but `except`. */
function otherNodeBoxes(page: Page, except: string): Promise<Box[]> {
  return page.locator('.react-flow__node-graph').evaluateAll(
    (els, skip) =>
      els
        .filter((el) => el.getAttribute('data-id') !== skip)
        .map((el) => {
          const r = el.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        }),
    except,
  );
}

async function newNodeId(page: Page, before: string[]): Promise<string> {
  const ids = Object.keys((await readDoc(page)).nodes);
  const added = ids.filter((id) => !before.includes(id));
  expect(added).toHaveLength(1);
  return added[0];
}

async function openGraphFile(page: Page, name: string, graph: unknown): Promise<void> {
  await writeFile(join(editor.server.paths.graphs, name), JSON.stringify(graph));
  await page.getByTestId('open').click();
  await page.getByTestId(`open-graphs:${name}`).click();
  await expect.poll(() => page.getByTestId('doc-name').textContent()).toBe(name);
}

const defaultGraph = async () => JSON.parse(await readFile(join(APP_ROOT, 'graphs', 'default.json'), 'utf8'));

describe('placement', () => {
  it('a node added where another node is lands beside it, fully in view', async () => {
    const { page, errors } = await editor.open();
    const sampler = await box(page, 'node-sampler');
    await page.mouse.move(sampler.x + sampler.width / 2, sampler.y + sampler.height / 2);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -300);
    await page.waitForTimeout(300);
    const before = Object.keys((await readDoc(page)).nodes);
    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').fill('empty latent');
    await page.getByTestId('palette-item-EmptyLatent').click();
    const id = await newNodeId(page, before);
    await page.waitForTimeout(500); // the view's move to the node
    const added = await box(page, `node-${id}`);
    for (const other of await otherNodeBoxes(page, id)) expect(overlaps(added, other)).toBe(false);
    expect(inside(await box(page, 'canvas'), added)).toBe(true);
    expect(overlaps(added, await box(page, 'minimap'))).toBe(false);
    await screenshot(page, 'placement-beside-node');
    expect(errors).toEqual([]);
  }, 60_000);

  it('a node added next to the minimap does not go under it or past the canvas edge', async () => {
    const { page, errors } = await editor.open();
    const minimap = await box(page, 'minimap');
    const before = Object.keys((await readDoc(page)).nodes);
    await addNodeByPalette(page, { x: minimap.x - 60, y: minimap.y + 30 }, 'empty latent', 'EmptyLatent');
    const id = await newNodeId(page, before);
    await page.waitForTimeout(300);
    const added = await box(page, `node-${id}`);
    expect(overlaps(added, await box(page, 'minimap'))).toBe(false);
    expect(inside(await box(page, 'canvas'), added)).toBe(true);
    for (const other of await otherNodeBoxes(page, id)) expect(overlaps(added, other)).toBe(false);
    expect(errors).toEqual([]);
  }, 60_000);

  it("a running node's pictures stay above the node below it", async () => {
    const graph = await defaultGraph();
    // A node 170 px under Save Image: the 128 px image, drawn at full width, would cover it.
    graph.nodes.below = { type: 'EmptyLatent', widgets: {}, position: [1360, 430] };
    const { page, errors } = await editor.open();
    await openGraphFile(page, 'crowded.json', graph);
    await page.getByTestId('run').click();
    await page.getByTestId('run-media-save').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(500);
    const save = await box(page, 'node-save');
    const below = await box(page, 'node-below');
    expect(save.y + save.height).toBeLessThanOrEqual(below.y);
    await screenshot(page, 'run-image-above-neighbour');
    expect(errors).toEqual([]);
  }, 90_000);

  it('auto-layout moves a group and a reroute point with their nodes', async () => {
    const graph = await defaultGraph();
    // Room below the schedule for all of its widgets (start and end step included).
    graph.groups = [{ title: 'Inputs', color: '#3f5f8a', bounds: [360, 440, 280, 600] }];
    const wire = graph.edges.findIndex((e: { to: string[] }) => e.to[0] === 'decode' && e.to[1] === 'vae');
    graph.edges[wire].points = [[700, 620]];
    const { page, errors } = await editor.open();
    await openGraphFile(page, 'grouped.json', graph);
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('l');
    await expect.poll(async () => (await readDoc(page)).nodes.latent.position).not.toEqual([380, 560]);
    const doc = await readDoc(page);
    const [gx, gy, gw, gh] = doc.groups?.[0].bounds ?? [0, 0, 0, 0];
    for (const id of ['latent', 'schedule']) {
      const node = await box(page, `node-${id}`);
      const zoom = await page
        .locator('.react-flow__viewport')
        .evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).a);
      const [x, y] = doc.nodes[id].position;
      expect(
        inside(
          { x: gx, y: gy, width: gw, height: gh },
          { x, y, width: node.width / zoom, height: node.height / zoom },
        ),
      ).toBe(true);
    }
    // The reroute point moved with the wire's ends: it stays between them.
    const [px] = doc.edges[wire].points?.[0] ?? [0, 0];
    expect(px).toBeGreaterThan(doc.nodes.load.position[0]);
    expect(px).toBeLessThan(doc.nodes.decode.position[0]);
    expect(doc.edges[wire].points?.[0]).not.toEqual([700, 620]);
    await screenshot(page, 'layout-with-group');
    expect(errors).toEqual([]);
  }, 60_000);
});
