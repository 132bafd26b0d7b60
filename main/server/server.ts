// `diffgraph serve`: the editor in a browser. One node:http server carries the JSON RPC
// (POST /api/<method>), the event WebSocket (/api/events), output/input images (/files/...) and
// the built editor itself. Loopback by default; any other address requires an access token.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DeviceName } from '../../nodes/api.ts';
import type { EngineLike } from '../engine/transport/engine-calls.ts';
import { HostCore } from '../host/host-core.ts';
import { APP_ROOT, BUNDLED_MODELS_DIR, type DiffgraphPaths } from '../paths.ts';
import { comfyApiAlias } from './comfy/api-alias.ts';
import { COMFY_PATHS, handleComfy } from './comfy/comfy-routes.ts';
import { ComfySocket } from './comfy/comfy-socket.ts';
import { ComfyState } from './comfy/comfy-state.ts';
import { EventsSocket } from './events-socket.ts';
import { handleFile } from './files-route.ts';
import { checkRequest, type GuardConfig, isLoopbackHost, tokenCookie, weakTokenProblem } from './guard.ts';
import { sendText } from './http-util.ts';
import { parseRequestUrl } from './request-url.ts';
import { handleRpc } from './rpc-route.ts';
import { ServerSettings } from './server-settings.ts';
import { handleStatic } from './static-route.ts';

export interface ServerOptions {
  /** Address to bind; default 127.0.0.1. Anything but loopback requires a token. */
  host?: string;
  /** Default 8188; 0 picks a free port. */
  port?: number;
  /** Access token; generated when the host is not loopback and none is given. */
  token?: string;
  paths: DiffgraphPaths;
  device?: DeviceName;
  /** Extra model folders (the bundled default model is always searched last). */
  modelSearchPath?: readonly string[];
  /** The built editor; default <app>/dist/renderer. */
  staticDir?: string;
  /** Shipped graph templates; default <app>/graphs. */
  templatesDir?: string;
  /** Engine memory cache size and extra node modules (test nodes), passed to EngineClient. */
  cacheBytes?: number;
  nodeModules?: readonly string[];
  /** An engine to use instead of starting one (tests). It is closed with the server. */
  engine?: EngineLike;
  /** Keep the editor's models folder and device choices in <settingsDir>/settings.json (no effect
   * with `engine`); `fixedSettings` names those given on the command line, which win. */
  settingsDir?: string;
  fixedSettings?: { modelsDir: boolean; device: boolean };
}

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8188/ */
  url: string;
  /** The access token, when one is required. */
  token?: string;
  /** The URL to open in a browser (carries the token when there is one). */
  openUrl: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8188;
export const DEFAULT_STATIC_DIR = join(APP_ROOT, 'dist', 'renderer');

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const weak = options.token === undefined ? null : weakTokenProblem(options.token);
  if (weak !== null) throw new Error(weak);
  const token = options.token ?? (isLoopbackHost(host) ? undefined : randomBytes(24).toString('base64url'));
  // The settings restart the engine only when the host's queue is empty; the host is made next.
  const made: { core?: HostCore } = {};
  const settings = await openSettings(
    options,
    async () => (await made.core?.queueState())?.items.length === 0,
  );
  const engine = options.engine ?? settings?.engine ?? (await startEngine(options));
  const extraRoots = options.modelSearchPath ?? [];
  const core = new HostCore({
    engine,
    paths: options.paths,
    templatesDir: options.templatesDir,
    modelRoots: () => [settings?.modelsDir() ?? options.paths.models, ...extraRoots],
    settings: settings ?? undefined,
  });
  made.core = core;
  const events = new EventsSocket(core);
  const comfy = new ComfyState(core);
  const comfySocket = new ComfySocket(comfy);
  const guard: GuardConfig = { host, port: 0, token };
  const staticDir = options.staticDir ?? DEFAULT_STATIC_DIR;

  const server = createServer((req, res) => {
    handleRequest(req, res, core, guard, staticDir, comfy).catch((error: unknown) => {
      console.error('diffgraph serve: request failed:', error);
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    // A reset connection must not become an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    try {
      const route = upgradeRoute(req, guard);
      if ('refusal' in route) {
        socket.end(`HTTP/1.1 ${route.refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      if (route.socket === 'comfy') comfySocket.upgrade(req, socket, head);
      else events.upgrade(req, socket, head);
    } catch (error) {
      // Whatever a single request does, the server keeps serving the others.
      console.error('diffgraph serve: upgrade failed:', error);
      socket.destroy();
    }
  });

  try {
    await listen(server, options.port ?? DEFAULT_PORT, host);
  } catch (error) {
    await events.close();
    await core.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `port ${options.port ?? DEFAULT_PORT} on ${host} is already in use: choose another with --port (0 picks a free one)`,
      );
    }
    throw error;
  }
  guard.port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${guard.port}/`;
  return {
    url,
    token,
    openUrl: token ? `${url}?token=${encodeURIComponent(token)}` : url,
    close: async () => {
      await events.close();
      await comfySocket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await core.close();
    },
  };
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  core: HostCore,
  guard: GuardConfig,
  staticDir: string,
  comfy: ComfyState,
): Promise<void> {
  const verdict = checkRequest(req, guard);
  if (!verdict.ok) return sendText(res, verdict.status, verdict.message);
  const url = parseRequestUrl(req);
  if (url === null) return sendText(res, 400, 'bad request target');
  if (COMFY_PATHS.test(url.pathname)) return handleComfy(req, res, core, comfy, url);
  const alias = comfyApiAlias(url.pathname, req.method);
  if (alias) return handleComfy(req, res, core, comfy, new URL(alias + url.search, url));
  if (url.pathname.startsWith('/api/')) return handleRpc(req, res, core, url);
  if (url.pathname === '/files' || url.pathname.startsWith('/files/')) return handleFile(req, res, core, url);
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'use GET');
  // Opening the page with ?token= leaves a cookie, so its scripts, images and socket carry the token.
  const extra: Record<string, string> =
    verdict.tokenFromQuery && guard.token ? { 'set-cookie': tokenCookie(guard.token) } : {};
  return handleStatic(res, staticDir, url, req.method === 'HEAD', extra);
}

/** Which socket an upgrade request is for (Diffgraph's events, ComfyUI's /ws), or the refusal's status line. */
function upgradeRoute(
  req: IncomingMessage,
  guard: GuardConfig,
): { socket: 'events' | 'comfy' } | { refusal: string } {
  const verdict = checkRequest(req, guard);
  if (!verdict.ok) return { refusal: verdict.status === 401 ? '401 Unauthorized' : '403 Forbidden' };
  const url = parseRequestUrl(req);
  if (url === null) return { refusal: '400 Bad Request' };
  if (url.pathname === '/api/events') return { socket: 'events' };
  if (url.pathname === '/ws' || url.pathname === '/api/ws') return { socket: 'comfy' };
  return { refusal: '404 Not Found' };
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function openSettings(options: ServerOptions, queueIsEmpty: () => Promise<boolean>) {
  if (!options.settingsDir || options.engine) return null;
  return ServerSettings.open({
    dir: options.settingsDir,
    paths: options.paths,
    device: options.device ?? 'auto',
    fixed: options.fixedSettings ?? { modelsDir: false, device: false },
    startEngine: (paths, device) => startEngine({ ...options, paths, device }),
    queueIsEmpty,
  });
}

async function startEngine(options: ServerOptions): Promise<EngineLike> {
  const { EngineClient } = await import('../engine/transport/client.ts');
  return EngineClient.start({
    paths: options.paths,
    device: options.device,
    modelSearchPath: [...(options.modelSearchPath ?? []), BUNDLED_MODELS_DIR],
    cacheBytes: options.cacheBytes,
    nodeModules: options.nodeModules,
    // Graphs arrive over HTTP: their paths stay inside the models, input and output folders.
    allowAbsolutePaths: false,
  });
}
