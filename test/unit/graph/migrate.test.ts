import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import {
  GRAPH_JSON_SCHEMA_PATH,
  graphJsonSchema,
  graphJsonSchemaText,
} from '../../../main/graph/json-schema.ts';
import { parseGraphJson } from '../../../main/graph/load.ts';
import { GraphFormatError, MIGRATIONS, migrateGraph } from '../../../main/graph/migrate.ts';
import { GRAPH_VERSION } from '../../../main/graph/schema.ts';

const v0 = {
  format: 'diffgraph',
  version: 0,
  title: 'draft',
  nodes: [
    { id: 1, type: 'TEmpty', widgets: { width: 4 }, pos: [0, 0] },
    { id: 'save', type: 'TSave', widgets: {}, pos: [200, 0], extra: 'kept' },
  ],
  edges: [[1, 'latent', 'save', 'latent']],
};

describe('migrations', () => {
  it('form one step per version up to the current one', () => {
    expect(MIGRATIONS.map((m) => m.from)).toEqual([...Array(GRAPH_VERSION).keys()]);
  });

  it('upgrade a version 0 draft (node list, positional edges) to version 1', () => {
    const { doc } = parseGraphJson(JSON.stringify(v0), 'old.json');
    expect(doc).toEqual({
      format: 'diffgraph',
      version: 1,
      title: 'draft',
      nodes: {
        '1': { type: 'TEmpty', widgets: { width: 4 }, position: [0, 0] },
        save: { type: 'TSave', widgets: {}, position: [200, 0], extra: 'kept' },
      },
      edges: [{ from: ['1', 'latent'], to: ['save', 'latent'] }],
    });
  });

  it('do not change the input document', () => {
    const copy = structuredClone(v0);
    migrateGraph(copy);
    expect(copy).toEqual(v0);
  });

  it('explain what is wrong with a broken old document', () => {
    const broken = { ...v0, edges: [[1, 'latent', 'save']] };
    expect(() => migrateGraph(broken)).toThrow(GraphFormatError);
    expect(() => migrateGraph(broken)).toThrow('cannot upgrade from version 0: version 0 edge #0 must be');
    const duplicate = { ...v0, nodes: [v0.nodes[0], v0.nodes[0]] };
    expect(() => migrateGraph(duplicate)).toThrow('node id "1" appears more than once');
  });
});

describe('JSON Schema', () => {
  it('the committed schemas/graph.schema.json matches the zod schema', async () => {
    // Regenerate with: npx tsx main/graph/write-json-schema.ts (compared as JSON: formatting may differ)
    expect(JSON.parse(await readFile(GRAPH_JSON_SCHEMA_PATH, 'utf8'))).toEqual(graphJsonSchema());
  });

  it('describes the document shape', () => {
    const schema = JSON.parse(graphJsonSchemaText());
    expect(schema.required).toEqual(['format', 'version', 'nodes']);
    expect(schema.properties.format.const).toBe('diffgraph');
    expect(schema.properties.nodes.additionalProperties.required).toEqual(['type']);
  });
});
