// Modal dialogs: open (templates, graphs, recent, local file), save as, confirm, shortcut sheet.
import { useRef, useState } from 'react';
import { boundKeys, SHORTCUTS } from '../hooks/shortcuts.ts';
import { editor } from '../store/editor.ts';
import { openGraph, openLocalFile, saveAsName } from '../store/file-actions.ts';
import { useSlice } from '../store/store.ts';

const close = () => editor.set({ dialog: null });

function Modal({ title, children, testId }: { title: string; children: React.ReactNode; testId: string }) {
  return (
    <div className="dg-modal-backdrop" onPointerDown={close}>
      <div
        className="dg-modal"
        role="dialog"
        aria-label={title}
        data-testid={testId}
        onPointerDown={(e) => e.stopPropagation()}
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

export function Dialogs() {
  const dialog = useSlice(editor, (s) => s.dialog);
  if (!dialog) return null;
  switch (dialog.kind) {
    case 'open':
      return <OpenDialog />;
    case 'save-as':
      return <SaveAsDialog />;
    case 'shortcuts':
      return <ShortcutSheet />;
    case 'confirm':
      return (
        <Modal title="Unsaved changes" testId="confirm-dialog">
          <p>{dialog.message}</p>
          <div className="dg-modal-buttons">
            <button type="button" onClick={close}>
              Keep editing
            </button>
            <button
              type="button"
              className="dg-danger"
              data-testid="confirm-discard"
              onClick={() => {
                close();
                dialog.action();
              }}
            >
              Discard changes
            </button>
          </div>
        </Modal>
      );
  }
}

function OpenDialog() {
  const graphs = useSlice(editor, (s) => s.graphs);
  const recent = useSlice(editor, (s) => s.recent);
  const fileInput = useRef<HTMLInputElement>(null);
  const pick = (id: string, name: string) => {
    close();
    openGraph(id, name);
  };
  const section = (
    title: string,
    items: { id: string; name: string; title?: string; description?: string }[],
  ) =>
    items.length > 0 && (
      <section>
        <h3>{title}</h3>
        <ul className="dg-file-list">
          {items.map((g) => (
            <li key={g.id}>
              <button
                type="button"
                data-testid={`open-${g.id}`}
                onClick={() => pick(g.id, g.name)}
                title={g.description}
              >
                <span>{g.title ?? g.name}</span>
                {g.title && <span className="dg-muted"> {g.name}</span>}
              </button>
            </li>
          ))}
        </ul>
      </section>
    );
  return (
    <Modal title="Open a graph" testId="open-dialog">
      {section('Recent', recent)}
      {section(
        'Your graphs',
        graphs.filter((g) => g.source === 'graphs'),
      )}
      {section(
        'Templates',
        graphs.filter((g) => g.source === 'template'),
      )}
      <div className="dg-modal-buttons">
        <button type="button" onClick={() => fileInput.current?.click()}>
          From this computer…
        </button>
        <button type="button" onClick={close}>
          Close
        </button>
      </div>
      <input
        ref={fileInput}
        type="file"
        hidden
        accept=".json,.png,.webp,application/json,image/png,image/webp"
        onChange={(e) => {
          const file = e.target.files?.[0];
          close();
          if (file) void openLocalFile(file);
        }}
      />
    </Modal>
  );
}

function SaveAsDialog() {
  const current = useSlice(editor, (s) => s.file?.name.replace(/\.json$/, '') ?? '');
  const [name, setName] = useState(current || 'my-graph');
  const submit = async () => {
    if (await saveAsName(name)) close();
  };
  return (
    <Modal title="Save as" testId="save-as-dialog">
      <label className="dg-field">
        Name in your graphs folder
        <input
          // biome-ignore lint/a11y/noAutofocus: the dialog is for typing a name
          autoFocus
          data-testid="save-as-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            e.stopPropagation();
            if (e.key === 'Enter') void submit();
            if (e.key === 'Escape') close();
          }}
        />
      </label>
      <div className="dg-modal-buttons">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button
          type="button"
          className="dg-primary"
          data-testid="save-as-confirm"
          onClick={() => void submit()}
        >
          Save
        </button>
      </div>
    </Modal>
  );
}

function ShortcutSheet() {
  return (
    <Modal title="Keyboard shortcuts" testId="shortcut-sheet">
      <table className="dg-shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys + s.label}>
              <td>
                <kbd>{boundKeys(s)}</kbd>
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
          <tr>
            <td>
              <kbd>Double-click canvas</kbd>
            </td>
            <td>Search nodes to add</td>
          </tr>
          <tr>
            <td>
              <kbd>Drop a wire on the canvas</kbd>
            </td>
            <td>Search nodes that fit the wire, then connect</td>
          </tr>
          <tr>
            <td>
              <kbd>Shift+drag</kbd>
            </td>
            <td>Box select</td>
          </tr>
          <tr>
            <td>
              <kbd>Double-click a wire</kbd>
            </td>
            <td>Add a reroute point (double-click the point to remove it)</td>
          </tr>
        </tbody>
      </table>
    </Modal>
  );
}
