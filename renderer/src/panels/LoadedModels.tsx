// Status-bar entry for the models the engine holds in memory: count and bytes, and a list (opened
// from the entry) with an Unload button per model and one for all. Refreshed when a run starts or
// ends, and after each unload.
import { useCallback, useEffect, useState } from 'react';
import type { LoadedModelInfo } from '../../../main/runtime/index.ts';
import { formatBytes } from '../../../nodes/format-bytes.ts';
import { hasHost, host } from '../host/host.ts';
import { editor } from '../store/editor.ts';
import { useSlice } from '../store/store.ts';

export function LoadedModels() {
  const [models, setModels] = useState<LoadedModelInfo[]>([]);
  const [error, setError] = useState<string | null>(null);
  const connected = useSlice(editor, (s) => s.hostState === 'connected');
  const runStatus = useSlice(editor, (s) => s.run.status.kind);
  const refresh = useCallback(async () => {
    if (!hasHost()) return;
    try {
      setModels(await host().loadedModels());
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a run starting or ending changes what is loaded
  useEffect(() => {
    if (connected) void refresh();
  }, [connected, runStatus, refresh]);
  const unload = async (key?: string) => {
    try {
      await host().unloadModels(key);
    } catch (e) {
      setError((e as Error).message);
    }
    await refresh();
  };
  const total = models.reduce((sum, m) => sum + m.bytes, 0);
  return (
    <details className="dg-loaded-models" data-testid="loaded-models">
      <summary title="Models the engine holds in memory">
        {models.length} models loaded · {formatBytes(total)}
      </summary>
      <div className="dg-loaded-models-list">
        {models.map((m) => (
          <div key={m.key} className="dg-loaded-model">
            <span title={m.key}>
              {m.name} · {m.slot} · {m.device} · {formatBytes(m.bytes)}
            </span>
            <button type="button" onClick={() => void unload(m.key)}>
              Unload
            </button>
          </div>
        ))}
        {models.length > 0 && (
          <button type="button" onClick={() => void unload()}>
            Unload all
          </button>
        )}
        {models.length === 0 && <span>No models loaded</span>}
        {error && <span className="dg-status-problem">{error}</span>}
      </div>
    </details>
  );
}
