// A primitive made from a widget starts at its value and keeps its after-run control.
import { describe, expect, it } from 'vitest';
import type { NodeSchema } from '../../../nodes/api.ts';
import { addNode, applySeedControls } from '../../../renderer/src/doc/commands.ts';
import { adoptWidget } from '../../../renderer/src/doc/primitive-from-widget.ts';
import { SCHEMAS, txt2img } from './fixtures.ts';

const INT: NodeSchema = {
  type: 'Int',
  displayName: 'Int',
  category: 'primitives',
  description: 'A whole number',
  inputs: [],
  widgets: [{ name: 'value', kind: 'int', default: 0 }],
  outputs: [{ name: 'int', type: 'INT' }],
};
const schemas = new Map([...SCHEMAS, INT].map((s) => [s.type, s]));

describe('primitive made from a widget', () => {
  it('starts at the seed value and keeps its after-run control, which then moves the primitive', () => {
    const base = txt2img();
    base.nodes.sampler.seedControl = { seed: 'increment' };
    const { doc, id } = addNode(base, INT, [0, 0]);
    const adopted = adoptWidget(doc, schemas, id, 'value', { nodeId: 'sampler', widget: 'seed' });
    expect(adopted.nodes[id].widgets.value).toBe(5);
    expect(adopted.nodes[id].seedControl).toEqual({ value: 'increment' });
    expect(applySeedControls(adopted, schemas).nodes[id].widgets.value).toBe(6);
  });

  it('takes a plain number widget value without any control; an ordinary Int never moves', () => {
    const { doc, id } = addNode(txt2img(), INT, [0, 0]);
    const adopted = adoptWidget(doc, schemas, id, 'value', { nodeId: 'sampler', widget: 'steps' });
    expect(adopted.nodes[id].widgets.value).toBe(20);
    expect(adopted.nodes[id].seedControl).toBeUndefined();
    expect(applySeedControls(adopted, schemas, () => 0.5).nodes[id].widgets.value).toBe(20);
  });
});
