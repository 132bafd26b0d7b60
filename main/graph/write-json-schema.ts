// Regenerates schemas/graph.schema.json: `npx tsx main/graph/write-json-schema.ts`.
import { writeFileAtomic } from '../util/atomic-write.ts';
import { GRAPH_JSON_SCHEMA_PATH, graphJsonSchemaText } from './json-schema.ts';

await writeFileAtomic(GRAPH_JSON_SCHEMA_PATH, graphJsonSchemaText());
console.log(`wrote ${GRAPH_JSON_SCHEMA_PATH}`);
