// Renders the app icon (window, taskbar, installers) from the editor's favicon, so both stay one
// design: `npx tsx scripts/make-app-icon.ts`. 1024 px: electron-builder derives the Windows .ico
// and the macOS .icns from it, and Linux desktops pick a size.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { APP_ICON_PATH, APP_ICON_SIZE } from '../main/electron/app-icon.ts';
import { writeFileAtomic } from '../main/util/atomic-write.ts';

const FAVICON = fileURLToPath(new URL('../renderer/public/favicon.svg', import.meta.url));

const svg = await readFile(FAVICON);
// The SVG is 32 units wide: render at the density that makes it APP_ICON_SIZE pixels.
const png = await sharp(svg, { density: (72 * APP_ICON_SIZE) / 32 })
  .resize(APP_ICON_SIZE, APP_ICON_SIZE)
  .png({ compressionLevel: 9 })
  .toBuffer();
await writeFileAtomic(APP_ICON_PATH, png);
console.log(`wrote ${APP_ICON_PATH} (${APP_ICON_SIZE}×${APP_ICON_SIZE}, ${png.length} bytes)`);
