// Opening a ComfyUI or A1111 file shows what the import did: the count of converted nodes, each
// placeholder (a click centres it) and each model the folders lack.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ROOT } from '../../main/paths.ts';
import { dropFile, readDoc, screenshot } from './support/browser.ts';
import { editorPerFile } from './support/session.ts';

const COMFY = join(APP_ROOT, 'test', 'fixtures', 'comfy');

const editor = editorPerFile();

describe('the import report', () => {
  it('lists placeholders (click to centre one) and models not found, and closes', async () => {
    const { page, errors } = await editor.open();
    const workflow = await readFile(join(COMFY, 'lora-workflow-ui-1.json'));
    await dropFile(page, 'lora-workflow.json', 'application/json', workflow);
    const report = page.getByTestId('import-report');
    await report.waitFor();
    const doc = await readDoc(page);
    const total = Object.keys(doc.nodes).length;
    expect(await page.getByTestId('import-report-summary').textContent()).toBe(
      `Imported ComfyUI workflow: ${total - 1} nodes converted, 1 kept as placeholder`,
    );
    // the report itself is not part of the document
    expect(Object.keys(doc)).not.toContain('importReport');
    const placeholder = page.getByTestId('import-report-node-12');
    expect(await placeholder.textContent()).toBe('ImageFilterPlus (node 12)');
    // its LoRA file is not in the models folder: the report says so
    expect(await page.getByTestId('import-report-models').textContent()).toContain(
      'my-style.safetensors: not found',
    );
    await page.mouse.move(700, 500);
    await page.mouse.wheel(0, 1500);
    await placeholder.click();
    await expect
      .poll(() => page.locator('.react-flow__node.selected [data-testid="node-12"]').count())
      .toBe(1);
    await screenshot(page, 'import-report');
    await page.getByTestId('import-report-close').click();
    expect(await report.count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
