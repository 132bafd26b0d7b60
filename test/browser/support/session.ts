// One editor server and one Chromium per test file: started before its first test, closed after its
// last. Tests open a fresh page with `editor.open()`.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { type EditorPage, launchBrowser, openEditor } from './browser.ts';
import { type EditorServer, startEditorServer } from './server.ts';

export interface EditorSession {
  readonly server: EditorServer;
  readonly browser: Browser;
  /** A new page on the editor, with its console errors collected. */
  open(): Promise<EditorPage>;
}

export function editorPerFile(): EditorSession {
  let server: EditorServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startEditorServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is not started (use it inside a test)`);
    return value;
  };
  return {
    get server() {
      return started(server, 'editor server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    open() {
      return openEditor(this.browser, this.server.url);
    },
  };
}
