// Left panel: the node library, the model library and the settings, one at a time.
import '../styles/panels.css';
import { useState } from 'react';
import { ModelLibrary } from './ModelLibrary.tsx';
import { NodeLibrary } from './NodeLibrary.tsx';
import { SettingsPanel } from './SettingsPanel.tsx';

type LeftTab = 'nodes' | 'models' | 'settings';
const TITLES: Record<LeftTab, string> = { nodes: 'Nodes', models: 'Models', settings: 'Settings' };

export function LeftPanel() {
  const [tab, setTab] = useState<LeftTab | null>(null);
  return (
    <aside className={`dg-left ${tab ? 'dg-left-open' : ''}`} data-testid="left-panel">
      <nav className="dg-left-rail">
        {(Object.keys(TITLES) as LeftTab[]).map((t) => (
          <button
            key={t}
            type="button"
            className={tab === t ? 'dg-on' : ''}
            data-testid={`left-tab-${t}`}
            aria-pressed={tab === t}
            onClick={() => setTab(tab === t ? null : t)}
          >
            {TITLES[t]}
          </button>
        ))}
      </nav>
      {tab && (
        <div className="dg-left-body">
          {tab === 'nodes' && <NodeLibrary />}
          {tab === 'models' && <ModelLibrary />}
          {tab === 'settings' && <SettingsPanel />}
        </div>
      )}
    </aside>
  );
}
