// The models part of `diffgraph info`: builds in the cache with their bytes, and, from a running
// `diffgraph serve` (--server), the models its engine holds in memory.

import { formatBytes } from '../../../nodes/format-bytes.ts';
import { cacheRootFor } from '../../checkpoint/build-cache.ts';
import { listCachedBuilds } from '../../checkpoint/cache-listing.ts';
import { createHttpHostApi } from '../../host/shared/http-client.ts';
import type { LoadedModelInfo } from '../../runtime/index.ts';

export interface ModelsInfo {
  cacheFolder: string;
  cached: Awaited<ReturnType<typeof listCachedBuilds>>;
  /** Absent without --server (a CLI process holds no models between commands). */
  loaded?: LoadedModelInfo[];
}

export async function modelsInfo(
  modelsRoot: string,
  server?: { url: string; token?: string },
): Promise<ModelsInfo> {
  const cacheFolder = cacheRootFor(modelsRoot);
  const info: ModelsInfo = { cacheFolder, cached: await listCachedBuilds(cacheFolder) };
  if (server) {
    const api = createHttpHostApi({ baseUrl: server.url, token: server.token });
    try {
      info.loaded = await api.loadedModels();
    } finally {
      api.close();
    }
  }
  return info;
}

export function describeModels(info: ModelsInfo): string[] {
  const total = info.cached.reduce((sum, b) => sum + b.bytes, 0);
  const lines = ['', `cached builds: ${info.cached.length} (${formatBytes(total)}) in ${info.cacheFolder}`];
  for (const b of info.cached)
    lines.push(`  ${formatBytes(b.bytes).padStart(10)}  ${b.source ?? '(VAE file)'}  ${b.key}`);
  if (info.loaded) {
    const held = info.loaded.reduce((sum, m) => sum + m.bytes, 0);
    lines.push('', `loaded in the server: ${info.loaded.length} (${formatBytes(held)})`);
    for (const m of info.loaded)
      lines.push(`  ${formatBytes(m.bytes).padStart(10)}  ${m.name} ${m.slot} on ${m.device}`);
  }
  return lines;
}
