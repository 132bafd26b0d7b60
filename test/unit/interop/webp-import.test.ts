// WebPs written the way ComfyUI's SaveAnimatedWEBP writes them (EXIF Model = "prompt:<json>", Make =
// "workflow:<json>"; see fixtures/comfy/make-webps.py), through the same paths as PNGs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphLoadError } from '../../../main/graph/load.ts';
import { graphFromForeignBytes } from '../../../main/interop/host-import.ts';
import { loadAnyGraphFile } from '../../../main/interop/load-graph-file.ts';
import { readWebpMetadata } from '../../../main/interop/webp-metadata.ts';
import { COMFY_FIXTURES, fixture, structure } from './helpers.ts';

const webp = (name: string) => join(COMFY_FIXTURES, name);
const expected = structure(fixture('default-expected.json'));

describe('ComfyUI WebPs', () => {
  it('reads both EXIF texts of an animated WebP exactly as written', () => {
    const meta = readWebpMetadata(readFileSync(webp('comfy-animated.webp')));
    expect(JSON.parse(meta.workflow as string)).toEqual(fixture('default-ui-1.json'));
    expect(JSON.parse(meta.prompt as string)).toEqual(fixture('default-api.json'));
  });

  it('imports the workflow (preferred) into the same graph as the PNG', async () => {
    const { doc, importReport } = await loadAnyGraphFile(webp('comfy-animated.webp'));
    expect(importReport?.source).toBe('comfy-ui');
    expect(structure(doc)).toEqual(expected);
    expect(doc.nodes['3'].position).toEqual([863, 186]);
  });

  it('imports the prompt when it is the only text', async () => {
    const { doc, importReport } = await loadAnyGraphFile(webp('comfy-prompt-only.webp'));
    expect(importReport?.source).toBe('comfy-api');
    expect(structure(doc)).toEqual(expected);
  });

  it('falls back to the prompt when the workflow is not JSON, and says so', async () => {
    const { doc, importReport } = await loadAnyGraphFile(webp('comfy-broken-workflow.webp'));
    expect(importReport?.warnings[0]).toMatch(
      /^the WebP's "workflow" text is not valid JSON .*; the "prompt"/,
    );
    expect(structure(doc)).toEqual(expected);
  });

  it('gives clear errors for a WebP without metadata and for a truncated or fake WebP', async () => {
    const plain = (await loadAnyGraphFile(webp('plain.webp')).catch((e: unknown) => e)) as Error;
    expect(plain).toBeInstanceOf(GraphLoadError);
    expect(plain.message).toMatch(/plain\.webp: this WebP carries no ComfyUI workflow or prompt/);
    const bytes = readFileSync(webp('comfy-animated.webp'));
    expect(() => readWebpMetadata(bytes.subarray(0, 200))).toThrow(/chunk runs past the file/);
    expect(() => readWebpMetadata(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toThrow(/not a WebP/);
  });

  it('is what the editor gets when a WebP is dropped', async () => {
    const doc = await graphFromForeignBytes(readFileSync(webp('comfy-animated.webp')));
    expect(structure(doc)).toEqual(expected);
    await expect(graphFromForeignBytes(readFileSync(webp('plain.webp')))).rejects.toThrow(
      /no ComfyUI workflow/,
    );
  });
});
