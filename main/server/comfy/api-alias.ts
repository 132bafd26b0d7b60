// ComfyUI's newer frontend and clients call its endpoints under /api (/api/prompt, /api/history, ...).
// Diffgraph's own RPC also lives under /api/<method> (POST), so a ComfyUI path is served there only
// where it does not name an RPC method, or is not a POST (GET /api/queue is ComfyUI's queue,
// POST /api/queue stays Diffgraph's).
import { HOST_CHANNELS } from '../../host/shared/channels.ts';
import { COMFY_PATHS } from './comfy-routes.ts';

/** The ComfyUI path an /api/... request stands for, or null when it is Diffgraph's RPC (or neither). */
export function comfyApiAlias(pathname: string, method: string | undefined): string | null {
  if (!pathname.startsWith('/api/')) return null;
  const path = pathname.slice('/api'.length);
  if (!COMFY_PATHS.test(path)) return null;
  const first = path.split('/')[1];
  if (Object.hasOwn(HOST_CHANNELS, first) && method === 'POST') return null;
  return path;
}
