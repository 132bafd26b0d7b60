// Makes the README's editor screenshot: the default graph after a run on the shipped model, in the
// dark theme, taken in the same real server and Chromium the browser tests use. Written as a
// palette PNG so the picture stays small in the repository.
// Kept beside the browser tests because it drives the editor with their helpers; not a test itself.
// Usage: npx tsx test/browser/make-readme-screenshot.ts [--out docs/editor.png]
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { APP_ROOT } from '../../main/paths.ts';
import { writeFileAtomic } from '../../main/util/atomic-write.ts';
import { launchBrowser } from './support/browser.ts';
import { startEditorServer } from './support/server.ts';

const { values } = parseArgs({ options: { out: { type: 'string', default: join('docs', 'editor.png') } } });
const VIEWPORT = { width: 1680, height: 1000 };

async function main(): Promise<void> {
  const server = await startEditorServer();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(server.url);
    await page.getByTestId('canvas').waitFor();
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    if (theme !== 'dark') throw new Error(`the editor opened in the ${theme} theme, not dark`);
    await page.getByTestId('run').click();
    await page.getByTestId('image-save').waitFor({ timeout: 120_000 });
    await page.waitForFunction(
      () => document.querySelector('[data-testid="node-sampler"]')?.getAttribute('data-phase') === 'done',
      null,
      { timeout: 60_000 },
    );
    // The pointer off the canvas, and time for the image to load and the view to settle.
    await page.mouse.move(VIEWPORT.width - 2, VIEWPORT.height - 2);
    await page.waitForTimeout(1000);
    const shot = await page.screenshot();
    const png = await sharp(shot).png({ palette: true, colours: 256, effort: 10 }).toBuffer();
    const out = join(APP_ROOT, values.out as string);
    await mkdir(dirname(out), { recursive: true });
    await writeFileAtomic(out, png);
    console.log(`${out}: ${VIEWPORT.width}x${VIEWPORT.height}, ${(png.length / 1024).toFixed(0)} KB`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
