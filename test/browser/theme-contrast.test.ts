// Text on the editor's main surfaces (toolbar, tabs, left panel, nodes, side panel, status bar)
// stays readable in both themes: every visible text's colour against the background it is drawn on,
// both as Chromium computes them, has a WCAG 2 contrast ratio of at least 4.5 (success criterion
// 1.4.3, AA for normal text). Disabled controls are exempt, as WCAG says.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { editorPerFile } from './support/session.ts';

const editor = editorPerFile();
const SURFACES = ['.dg-toolbar', '.dg-doc-tabs', '.dg-left', '.react-flow__node', '.dg-side', '.dg-status'];

interface LowContrast {
  text: string;
  className: string;
  ratio: number;
  fg: string;
  bg: string;
}

/** Runs in the page: WCAG relative luminance and contrast ratio of each visible text run. */
function lowContrastTexts(page: Page): Promise<LowContrast[]> {
  return page.evaluate((surfaces) => {
    type Rgba = [number, number, number, number];
    const parse = (css: string): Rgba => {
      const m = css.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0];
      return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3];
      return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1) as Rgba;
    };
    // The background an element's text is drawn on: its own and its ancestors', stacked.
    const backdrop = (el: Element | null): Rgba => {
      const layers: Rgba[] = [];
      for (let e = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      return layers.reduceRight<Rgba>((under, top) => over(top, under), [255, 255, 255, 1]);
    };
    // Relative luminance, WCAG 2: sRGB channels linearised, weighted 0.2126, 0.7152, 0.0722.
    const luminance = (c: Rgba) => {
      const lin = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    };
    const found: LowContrast[] = [];
    const seen = new Set<string>();
    for (const root of document.querySelectorAll(surfaces.join(','))) {
      for (const el of [root, ...root.querySelectorAll('*')]) {
        const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
        if (!own || el.closest(':disabled, [aria-disabled="true"]')) continue;
        const rect = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        if (rect.width === 0 || rect.height === 0 || style.visibility !== 'visible') continue;
        let opacity = 1;
        for (let e: Element | null = el; e; e = e.parentElement)
          opacity *= Number(getComputedStyle(e).opacity);
        const bg = backdrop(el);
        const color = parse(style.color);
        const fg = over([color[0], color[1], color[2], color[3] * opacity], bg);
        const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        const key = `${el.className}|${fg}|${bg}`;
        if (ratio < 4.5 && !seen.has(key) && seen.add(key))
          found.push({
            text: (el.textContent ?? '').trim().slice(0, 40),
            className: String(el.className),
            ratio: Math.round(ratio * 100) / 100,
            fg: fg.slice(0, 3).map(Math.round).join(','),
            bg: bg.slice(0, 3).map(Math.round).join(','),
          });
      }
    }
    return found;
  }, SURFACES);
}

describe('text contrast in both themes', () => {
  it('every text on the main surfaces has a contrast ratio of at least 4.5, dark and light', async () => {
    const { page, errors } = await editor.open();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBeGreaterThan(0);
    const low: { theme: string; tab: string; found: LowContrast[] }[] = [];
    for (const theme of ['dark', 'light'] as const) {
      for (const tab of ['settings', 'nodes']) {
        await page.getByTestId(`left-tab-${tab}`).click();
        if (tab === 'settings') {
          await page.getByTestId('setting-theme').selectOption(theme);
          await expect
            .poll(() => page.evaluate(() => document.documentElement.dataset.theme ?? 'dark'))
            .toBe(theme);
        }
        const found = await lowContrastTexts(page);
        if (found.length > 0) low.push({ theme, tab, found });
      }
    }
    expect(low).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
