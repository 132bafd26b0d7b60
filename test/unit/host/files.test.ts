import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraphStore } from '../../../main/host/graph-files.ts';
import { listInputImages, sanitizeUploadName, saveUpload } from '../../../main/host/input-files.ts';
import { HostError } from '../../../main/host/shared/errors.ts';

let base: string;
let templates: string;
let graphs: string;
let input: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'diffgraph-files-'));
  templates = join(base, 'templates');
  graphs = join(base, 'graphs');
  input = join(base, 'input');
  await mkdir(templates);
  await writeFile(
    join(templates, 'default.json'),
    JSON.stringify({ format: 'diffgraph', version: 1, title: 'Text to image', nodes: {}, edges: [] }),
  );
  await writeFile(join(templates, 'broken.json'), '{ not json');
});
afterEach(() => rm(base, { recursive: true, force: true }));

const doc = (title: string) => ({ format: 'diffgraph', version: 1, title, nodes: {}, edges: [] });

describe('GraphStore', () => {
  it('lists templates with their titles and the user graphs folder, recursively', async () => {
    const store = new GraphStore({ templatesDir: templates, graphsDir: graphs });
    await store.write('mine', doc('Mine'));
    await store.write('graphs:sub/deep.json', doc('Deep'));
    const list = await store.list();
    expect(list).toEqual([
      { id: 'template:broken.json', name: 'broken.json', source: 'template' },
      { id: 'template:default.json', name: 'default.json', source: 'template', title: 'Text to image' },
      { id: 'graphs:mine.json', name: 'mine.json', source: 'graphs', title: 'Mine' },
      { id: 'graphs:sub/deep.json', name: 'deep.json', source: 'graphs', title: 'Deep' },
    ]);
  });

  it('round-trips a graph through write and read, adding .json to bare names', async () => {
    const store = new GraphStore({ templatesDir: templates, graphsDir: graphs });
    const id = await store.write('my graph', doc('Round trip'));
    expect(id).toBe('graphs:my graph.json');
    expect(await store.read(id)).toEqual(doc('Round trip'));
    expect(JSON.parse(await readFile(join(graphs, 'my graph.json'), 'utf8'))).toEqual(doc('Round trip'));
    // Atomic write leaves no temporary files behind.
    expect(await readdir(graphs)).toEqual(['my graph.json']);
  });

  it('keeps templates read-only and reports bad JSON naming the file', async () => {
    const store = new GraphStore({ templatesDir: templates, graphsDir: graphs });
    expect(await store.read('template:default.json')).toMatchObject({ title: 'Text to image' });
    await expect(store.write('template:default.json', doc('x'))).rejects.toThrow(/read-only/);
    await expect(store.read('template:broken.json')).rejects.toThrow(
      /template:broken.json" is not valid JSON/,
    );
    await expect(store.read('graphs:missing.json')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('refuses ids that leave their folder, and files the shell has not vouched for', async () => {
    await writeFile(join(base, 'outside.json'), JSON.stringify(doc('outside')));
    const store = new GraphStore({ templatesDir: templates, graphsDir: graphs });
    await expect(store.read('graphs:../outside.json')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(store.read('template:../outside.json')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(store.write('graphs:../../evil.json', doc('x'))).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(store.read(`file:${join(base, 'outside.json')}`)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(store.read('ftp:x')).rejects.toBeInstanceOf(HostError);
  });

  it('opens and saves files outside the folders that the shell allows, and lists recent ones', async () => {
    const outside = join(base, 'outside.json');
    await writeFile(outside, JSON.stringify(doc('outside')));
    const touched: string[] = [];
    const store = new GraphStore({
      templatesDir: templates,
      graphsDir: graphs,
      external: {
        isAllowed: (p) => p === outside,
        recent: () => [outside, join(base, 'gone.json')],
        touched: (p) => {
          touched.push(p);
        },
      },
    });
    expect(await store.read(`file:${outside}`)).toEqual(doc('outside'));
    expect(await store.write(`file:${outside}`, doc('changed'))).toBe(`file:${outside}`);
    expect(JSON.parse(await readFile(outside, 'utf8'))).toEqual(doc('changed'));
    expect(touched).toEqual([outside, outside]);
    const recent = (await store.list()).filter((g) => g.source === 'recent');
    expect(recent).toEqual([
      { id: `file:${outside}`, name: 'outside.json', source: 'recent', title: 'changed' },
    ]);
  });
});

describe('uploads into the input folder', () => {
  it('sanitizes names: last segment only, odd characters replaced, no leading dots', () => {
    expect(sanitizeUploadName('../../etc/cat photo.PNG')).toBe('cat photo.png');
    expect(sanitizeUploadName('C:\\Users\\me\\dog.jpg')).toBe('dog.jpg');
    expect(sanitizeUploadName('..hidden.png')).toBe('hidden.png');
    expect(sanitizeUploadName('a<b>|c?.webp')).toBe('a_b__c_.webp');
    expect(sanitizeUploadName('.png')).toBe('image.png');
    expect(() => sanitizeUploadName('script.sh')).toThrow(/expected an image file/);
  });

  it('never overwrites: a second upload with the same name gets a numbered name', async () => {
    expect(await saveUpload(input, 'cat.png', new Uint8Array([1]))).toBe('cat.png');
    expect(await saveUpload(input, 'cat.png', new Uint8Array([2]))).toBe('cat (1).png');
    expect(await saveUpload(input, '../cat.png', new Uint8Array([3]))).toBe('cat (2).png');
    expect([...(await readFile(join(input, 'cat.png')))]).toEqual([1]);
    expect([...(await readFile(join(input, 'cat (2).png')))]).toEqual([3]);
    await mkdir(join(input, 'sub'));
    await writeFile(join(input, 'sub', 'x.jpeg'), 'x');
    await writeFile(join(input, 'notes.txt'), 'x');
    expect(await listInputImages(input)).toEqual(['cat (1).png', 'cat (2).png', 'cat.png', 'sub/x.jpeg']);
  });
});
