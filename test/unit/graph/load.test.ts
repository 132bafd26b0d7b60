import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GraphLoadError, loadGraphFile, parseGraphJson, saveGraphFile } from '../../../main/graph/load.ts';
import { embedGraphInPng } from '../../../main/graph/png-text.ts';

const withUnknowns = {
  format: 'diffgraph',
  version: 1,
  title: 'kept',
  nodes: {
    '1': {
      type: 'FancyPluginNode',
      widgets: { strength: 0.5, curve: [1, 2, 3], nested: { a: 'b' } },
      position: [10, 20],
      pluginState: { opened: true },
    },
    save: { type: 'TSave', widgets: {}, position: [300, 20], color: '#ff0000' },
  },
  edges: [{ from: ['1', 'latent'], to: ['save', 'latent'], style: 'dashed' }],
  groups: [{ title: 'G', bounds: [0, 0, 100, 100], collapsedBy: 'plugin' }],
  futureTopLevel: { anything: [1, { deep: true }] },
};

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'diffgraph-load-'));
}

describe('graph files', () => {
  it('keeps unknown node types and unknown fields through load and save, byte for byte', async () => {
    const dir = await tempDir();
    const text = `${JSON.stringify(withUnknowns, null, 2)}\n`;
    await writeFile(join(dir, 'in.json'), text);
    const { doc } = await loadGraphFile(join(dir, 'in.json'));
    expect(doc.nodes['1'].type).toBe('FancyPluginNode');
    await saveGraphFile(join(dir, 'out.json'), doc);
    expect(await readFile(join(dir, 'out.json'), 'utf8')).toBe(text);
    expect((await readdir(dir)).sort()).toEqual(['in.json', 'out.json']);
  });

  it('fills defaults for omitted widgets and edges', () => {
    const { doc } = parseGraphJson(
      '{"format":"diffgraph","version":1,"nodes":{"a":{"type":"X"}}}',
      'min.json',
    );
    expect(doc.nodes.a.widgets).toEqual({});
    expect(doc.edges).toEqual([]);
  });

  it('gives one-line errors naming the file and the reason', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"format": "diffgraph",', /^bad\.json: not valid JSON/],
      ['[1,2]', /^bad\.json: expected a JSON object/],
      ['{"format":"other","version":1}', /^bad\.json: not a Diffgraph graph \("format" is "other"/],
      ['{"last_node_id":3,"links":[]}', /^bad\.json: this looks like a ComfyUI workflow/],
      [
        '{"format":"diffgraph","version":7,"nodes":{}}',
        /^bad\.json: graph version 7 was made by a newer Diffgraph/,
      ],
      ['{"format":"diffgraph","version":1,"nodes":{"a":{"type":3}}}', /^bad\.json: nodes\.a\.type: /],
    ];
    for (const [text, pattern] of cases) {
      const error = (() => {
        try {
          parseGraphJson(text, 'bad.json');
        } catch (e) {
          return e as Error;
        }
        throw new Error(`no error for ${text}`);
      })();
      expect(error).toBeInstanceOf(GraphLoadError);
      expect(error.message).toMatch(pattern);
      expect(error.message).not.toContain('\n');
    }
    await expect(loadGraphFile('/nonexistent/g.json')).rejects.toThrow('/nonexistent/g.json: file not found');
  });

  it('returns node ids repeated in the text with the document', () => {
    const text =
      '{"format":"diffgraph","version":1,"nodes":{"a":{"type":"X"},"b":{"type":"Y"},"a":{"type":"Z","widgets":{"w":1,"w":2}}}}';
    const { doc, problems } = parseGraphJson(text, 'dup.json');
    expect(Object.keys(doc.nodes)).toEqual(['a', 'b']);
    expect(problems).toEqual([
      { nodeId: 'a', code: 'duplicate-id', message: 'Node id "a" is used by more than one node' },
      {
        nodeId: 'a',
        field: 'w',
        code: 'bad-document',
        message: 'Widget "w" is given more than once (only the last value would be kept)',
      },
    ]);
    expect(
      parseGraphJson(
        '{"format":"diffgraph","version":1,"nodes":{"a\\"b":{"type":"X","t":"\\"a\\""}}}',
        'ok.json',
      ).problems,
    ).toEqual([]);
  });

  it('loads the graph embedded in a PNG', async () => {
    const dir = await tempDir();
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    await writeFile(join(dir, 'image.png'), embedGraphInPng(png, withUnknowns));
    expect(await loadGraphFile(join(dir, 'image.png'))).toEqual({ doc: withUnknowns, problems: [] });
    await writeFile(join(dir, 'plain.png'), png);
    await expect(loadGraphFile(join(dir, 'plain.png'))).rejects.toThrow(
      /plain\.png: this PNG carries no Diffgraph graph/,
    );
  });
});
