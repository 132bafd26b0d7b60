// JSON Schema for graph files, generated from the zod schema (shipped as schemas/graph.schema.json
// for editors and other tools; a test keeps the committed file in step with the zod definition).
import { join } from 'node:path';
import { z } from 'zod';
import { APP_ROOT } from '../paths.ts';
import { GraphDocumentSchema } from './schema.ts';

export const GRAPH_JSON_SCHEMA_PATH = join(APP_ROOT, 'schemas', 'graph.schema.json');

export function graphJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(GraphDocumentSchema, { io: 'input' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://diffgraph.dev/schemas/graph.schema.json',
    title: 'Diffgraph graph document',
  };
}

/** The file's exact text (2-space indent, trailing newline). */
export function graphJsonSchemaText(): string {
  return `${JSON.stringify(graphJsonSchema(), null, 2)}\n`;
}
