// The node search: fuzzy over name, type, category and description; arrows and Enter pick.
import { useEffect, useMemo, useRef, useState } from 'react';
import { searchNodes } from '../doc/fuzzy.ts';
import { editor } from '../store/editor.ts';
import { addFromPalette, closePalette } from '../store/palette-actions.ts';
import { useSlice } from '../store/store.ts';

export function Palette() {
  const palette = useSlice(editor, (s) => s.palette);
  const catalogue = useSlice(editor, (s) => s.catalogue);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement>(null);
  const results = useMemo(
    () => (catalogue && palette ? searchNodes(catalogue.list, query, palette.filter) : []),
    [catalogue, palette, query],
  );
  useEffect(() => {
    if (palette) {
      setQuery('');
      setActive(0);
    }
  }, [palette]);
  useEffect(() => {
    list.current?.children[active]?.scrollIntoView({ block: 'nearest' });
  }, [active]);
  if (!palette || !catalogue) return null;

  const left = Math.min(palette.screen.x, window.innerWidth - 380);
  const top = Math.min(palette.screen.y, window.innerHeight - 420);
  return (
    <div className="dg-palette-backdrop" onPointerDown={closePalette}>
      <div
        className="dg-palette"
        style={{ left, top }}
        onPointerDown={(e) => e.stopPropagation()}
        data-testid="palette"
      >
        <input
          // biome-ignore lint/a11y/noAutofocus: the palette is for typing
          autoFocus
          data-testid="palette-input"
          placeholder={palette.filter ? `Nodes that take or give ${palette.filter.type}…` : 'Search nodes…'}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Enter' && results[active]) addFromPalette(results[active]);
            else if (e.key === 'Escape') closePalette();
            else return;
            e.preventDefault();
          }}
        />
        <ul ref={list} className="dg-palette-list">
          {results.length === 0 && <li className="dg-palette-empty">No matching nodes</li>}
          {results.map((schema, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the search field drives the list by keyboard (arrows, Enter)
            <li
              key={schema.type}
              className={i === active ? 'dg-active' : ''}
              data-testid={`palette-item-${schema.type}`}
              onPointerEnter={() => setActive(i)}
              onClick={() => addFromPalette(schema)}
            >
              <span className="dg-palette-name">{schema.displayName}</span>
              <span className="dg-palette-cat">{schema.category}</span>
              <span className="dg-palette-desc">{schema.description}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
