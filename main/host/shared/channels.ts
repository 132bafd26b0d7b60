// The one channel map both transports use (HTTP `POST /api/<name>` and Electron IPC
// `diffgraph:<name>`). Each entry names a HostApi/ShellApi method and validates its arguments;
// responses are typed from the API interfaces. There is deliberately no "invoke any channel".
// Browser-safe: zod only, no node imports.
import { z } from 'zod';
import { DEVICE_NAMES } from '../../../nodes/api.ts';
import type { HostApi, ShellApi } from './api.ts';

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, {
  message: 'expected binary data (Uint8Array)',
});
const graph = z
  .unknown()
  .refine((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
    message: 'expected a graph document (a JSON object)',
  });
const graphId = z.string().min(1).max(4096);
const device = z.enum(DEVICE_NAMES as [string, ...string[]]);

const settingsPatch = z
  .object({ modelsDir: z.string().min(1).max(4096).nullable().optional(), device: device.optional() })
  .strict();

/** Methods of HostApi reachable over both transports, with their argument tuples. */
export const HOST_CHANNELS = {
  catalogue: z.tuple([]),
  validate: z.tuple([graph]),
  queue: z.tuple([
    graph,
    z.string().max(200).optional(),
    z.strictObject({ front: z.boolean().optional() }).optional(),
  ]),
  queueState: z.tuple([]),
  cancel: z.tuple([z.string().max(100).optional()]),
  listModels: z.tuple([]),
  listModelFiles: z.tuple([]),
  loadedModels: z.tuple([]),
  unloadModels: z.tuple([z.string().max(8192).optional()]),
  devices: z.tuple([]),
  hostSettings: z.tuple([]),
  updateHostSettings: z.tuple([settingsPatch]),
  listInputs: z.tuple([]),
  uploadInput: z.tuple([z.string().min(1).max(255), bytes]),
  listGraphs: z.tuple([]),
  readGraph: z.tuple([graphId]),
  writeGraph: z.tuple([graphId, graph]),
  graphFromPng: z.tuple([bytes]),
  history: z.tuple([]),
  deleteHistoryRun: z.tuple([z.string().min(1).max(200)]),
  historyGraph: z.tuple([z.string().min(1).max(200)]),
  templateThumbnails: z.tuple([]),
} as const;

/** Methods of ShellApi (Electron only) reachable over IPC. */
export const SHELL_CHANNELS = {
  openGraphDialog: z.tuple([]),
  saveGraphDialog: z.tuple([graph, z.string().max(255).optional()]),
  setDocumentState: z.tuple([z.object({ title: z.string().max(500), edited: z.boolean() })]),
  getSettings: z.tuple([]),
  updateSettings: z.tuple([settingsPatch]),
  chooseModelsFolder: z.tuple([]),
} as const;

export type HostChannel = keyof typeof HOST_CHANNELS;
export type ShellChannel = keyof typeof SHELL_CHANNELS;

export const HOST_CHANNEL_NAMES = Object.keys(HOST_CHANNELS) as HostChannel[];
export const SHELL_CHANNEL_NAMES = Object.keys(SHELL_CHANNELS) as ShellChannel[];

/** Push channels (main -> editor): host events, and menu commands in Electron. */
export const EVENT_CHANNEL = 'event';
export const MENU_CHANNEL = 'menu';

/** IPC channel names are prefixed so they cannot collide with Electron's own. */
export const IPC_PREFIX = 'diffgraph:';

export type HostRequest<K extends HostChannel> = Parameters<HostApi[K]>;
export type HostResponse<K extends HostChannel> = Awaited<ReturnType<HostApi[K]>>;
export type ShellRequest<K extends ShellChannel> = Parameters<ShellApi[K]>;
export type ShellResponse<K extends ShellChannel> = Awaited<ReturnType<ShellApi[K]>>;

/** Checks the arguments of one channel call; a clear message naming the method on failure. */
export function parseChannelArgs(
  map: Record<string, z.ZodType>,
  channel: string,
  args: unknown,
): { ok: true; args: unknown[] } | { ok: false; message: string } {
  if (!Object.hasOwn(map, channel)) return { ok: false, message: `unknown method "${channel}"` };
  const parsed = map[channel].safeParse(args);
  if (parsed.success) return { ok: true, args: parsed.data as unknown[] };
  const issues = parsed.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? `argument ${issue.path.join('.')}` : 'arguments';
    return `${where}: ${issue.message}`;
  });
  return { ok: false, message: `${channel}: bad request (${issues.join('; ')})` };
}

// Compile-time check: every channel is a real API method (a typo here fails typechecking).
const _hostNamesAreMethods: readonly (keyof HostApi)[] = HOST_CHANNEL_NAMES;
const _shellNamesAreMethods: readonly (keyof ShellApi)[] = SHELL_CHANNEL_NAMES;
void _hostNamesAreMethods;
void _shellNamesAreMethods;
