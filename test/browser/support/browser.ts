// Debian's Chromium driven by playwright-core, plus small helpers that act like a user would.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect, onTestFailed } from 'vitest';
import { APP_ROOT } from '../../../main/paths.ts';
import type { GraphDoc } from '../../../renderer/src/doc/types.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './chromium.ts';

export const SCREENSHOT_DIR = join(APP_ROOT, 'test-output', 'browser');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}

export interface EditorPage {
  page: Page;
  /** Uncaught errors in the page; tests assert there were none. */
  errors: string[];
}

export async function openEditor(browser: Browser, url: string): Promise<EditorPage> {
  const context = await browser.newContext({ viewport: { width: 1680, height: 1000 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A failing test leaves a picture of the editor at the moment it failed.
  const testName = expect.getState().currentTestName ?? 'unnamed';
  onTestFailed(() => screenshot(page, `FAILED ${testName.replace(/[^\w -]+/g, '_')}`));
  await page.goto(url);
  await page.getByTestId('canvas').waitFor();
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

async function center(page: Page, testId: string): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId(testId).boundingBox();
  if (!box) throw new Error(`${testId} is not on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags a wire from one socket to another with the mouse. */
export async function dragWire(page: Page, fromTestId: string, toTestId: string): Promise<void> {
  const a = await center(page, fromTestId);
  const b = await center(page, toTestId);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 6 });
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
}

/** Double-clicks empty canvas at a screen point, searches, and picks the node type. */
export async function addNodeByPalette(
  page: Page,
  at: { x: number; y: number },
  query: string,
  type: string,
): Promise<void> {
  await page.mouse.dblclick(at.x, at.y);
  await page.getByTestId('palette-input').fill(query);
  await page.getByTestId(`palette-item-${type}`).click();
}

/** The editor's document, read through the debug hook the app exposes. */
export function readDoc(page: Page): Promise<GraphDoc> {
  return page.evaluate(() =>
    (window as unknown as { diffgraphDebug: { doc(): never } }).diffgraphDebug.doc(),
  );
}

/** Drops a file on the canvas the way a file manager does (a drop event carrying a File). */
export async function dropFile(page: Page, name: string, type: string, bytes: Buffer): Promise<void> {
  const transfer = await page.evaluateHandle(
    ({ name, type, base64 }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], name, { type }));
      return dt;
    },
    { name, type, base64: bytes.toString('base64') },
  );
  await page.getByTestId('canvas').dispatchEvent('dragover', { dataTransfer: transfer });
  await page.getByTestId('canvas').dispatchEvent('drop', { dataTransfer: transfer });
}
