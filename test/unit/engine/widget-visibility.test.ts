// `visibleWhen`: widgets that apply only to some options of an enum are shown only for those.
import { describe, expect, it } from 'vitest';
import { defaultRegistry, NodeRegistry } from '../../../main/engine/registry.ts';
import type { WidgetSpec } from '../../../nodes/api.ts';
import { isWidgetVisible, visibilityRuleProblems } from '../../../nodes/widget-visibility.ts';

const sampler = defaultRegistry().get('Sampler');
const widgets = sampler?.widgets ?? [];
const spec = (name: string) => {
  const found = widgets.find((w) => w.name === name);
  if (!found) throw new Error(`Sampler has no widget ${name}`);
  return found;
};
const shown = (samplerName: string | undefined) =>
  widgets
    .filter((w) => isWidgetVisible(w, samplerName ? { sampler: samplerName } : {}, widgets))
    .map((w) => w.name);

describe('Sampler widgets that apply only to some samplers', () => {
  it('shows eta only for ddim, langevin_steps for annealed_langevin, step_size for both Langevins', () => {
    expect(shown('ddim')).toContain('eta');
    expect(shown('ddim')).not.toContain('langevin_steps');
    expect(shown('euler')).not.toContain('eta');
    expect(shown('euler')).not.toContain('step_size');
    expect(shown('langevin')).toEqual(expect.arrayContaining(['step_size']));
    expect(shown('langevin')).not.toContain('langevin_steps');
    expect(shown('annealed_langevin')).toEqual(expect.arrayContaining(['langevin_steps', 'step_size']));
  });

  it('reads the default option when the document has no value (euler: none of the three)', () => {
    expect(shown(undefined)).toEqual(['sampler', 'cfg', 'seed', 'add_noise', 'leftover_noise']);
  });

  it('shows every widget while the sampler comes from a wire (the value is not known yet)', () => {
    expect(isWidgetVisible(spec('eta'), { sampler: 'euler' }, widgets, new Set(['sampler']))).toBe(true);
  });
});

describe('visibleWhen declarations', () => {
  const mode: WidgetSpec = { name: 'mode', kind: 'enum', default: 'a', options: ['a', 'b'] };
  const count: WidgetSpec = { name: 'count', kind: 'int', default: 1 };

  it('names the node, widget and rule when a rule is wrong', () => {
    expect(
      visibilityRuleProblems('Demo', [
        mode,
        count,
        { name: 'x', kind: 'float', default: 0, visibleWhen: { widget: 'missing', oneOf: ['a'] } },
        { name: 'y', kind: 'float', default: 0, visibleWhen: { widget: 'count', oneOf: ['1'] } },
        { name: 'z', kind: 'float', default: 0, visibleWhen: { widget: 'mode', oneOf: ['a', 'c'] } },
      ]),
    ).toEqual([
      'Demo.x: visibleWhen names "missing", which is not another widget of the node',
      'Demo.y: visibleWhen names "count" of kind int, expected an enum widget',
      'Demo.z: visibleWhen lists "c", not an option of "mode"',
    ]);
  });

  it('the registry refuses a node with a wrong rule and accepts the built-in nodes', () => {
    const bad = {
      ...(sampler as NonNullable<typeof sampler>),
      type: 'Bad',
      widgets: [mode, { ...count, visibleWhen: { widget: 'mode', oneOf: ['zzz'] } }],
    };
    expect(() => new NodeRegistry([bad])).toThrow(/Bad\.count: visibleWhen lists "zzz"/);
    expect(() => defaultRegistry()).not.toThrow();
  });

  it('travels to the editor in the node schema', () => {
    const schema = defaultRegistry()
      .schemas()
      .find((s) => s.type === 'Sampler');
    expect(schema?.widgets.find((w) => w.name === 'eta')?.visibleWhen).toEqual({
      widget: 'sampler',
      oneOf: ['ddim'],
    });
  });
});
