// ComfyUI's HTTP API on `diffgraph serve`, so ComfyUI scripts work unchanged: POST /prompt, GET/POST
// /queue, POST /interrupt, GET /history[/id], GET /view, POST /upload/image, GET /system_stats,
// GET /object_info. The same token and origin rules as the rest of the server apply.
// (ComfyUI also serves these under /api/, which is Diffgraph's own RPC here.) Unknown ones answer JSON 404.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostCore } from '../../host/host-core.ts';
import { COMFY_CLASSES } from '../../interop/comfy/classes.ts';
import { importForeignJson } from '../../interop/import-file.ts';
import { BodyTooLargeError, readBody, sendJsonText } from '../http-util.ts';
import { notAnImageMessage, servedFileHeaders, servedImageType } from '../served-files.ts';
import type { ComfyState } from './comfy-state.ts';
import { uploadImage } from './upload-image.ts';

const MAX_PROMPT_BYTES = 32 * 1024 * 1024;

/** ComfyUI's model folders and the Diffgraph model kinds listed under each. */
const MODEL_FOLDERS: Record<string, string[]> = {
  checkpoints: ['pipeline'],
  unet: ['unet'],
  diffusion_models: ['unet'],
  text_encoders: ['text_encoder'],
  vae: ['vae_decoder', 'vae_encoder'],
};
const json = (res: ServerResponse, status: number, body: unknown) =>
  sendJsonText(res, status, JSON.stringify(body));

export const COMFY_PATHS =
  /^\/(prompt|queue|interrupt|history(\/[^/]+)?|view|system_stats|object_info|models(\/[^/]+)?|upload\/image)$/;

async function postPrompt(req: IncomingMessage, res: ServerResponse, core: HostCore, state: ComfyState) {
  let body: { prompt?: unknown; client_id?: unknown; front?: unknown };
  try {
    body = JSON.parse((await readBody(req, MAX_PROMPT_BYTES)).toString('utf8'));
  } catch (error) {
    const message = error instanceof BodyTooLargeError ? error.message : 'the body is not valid JSON';
    return json(res, 400, { error: { type: 'invalid_prompt', message, details: '' }, node_errors: {} });
  }
  const imported = importForeignJson({ prompt: body?.prompt });
  if (!imported) {
    const message = 'expected {"prompt": {"<id>": {"class_type", "inputs"}}}';
    return json(res, 400, { error: { type: 'invalid_prompt', message, details: '' }, node_errors: {} });
  }
  // A script may name a model without its extension, or as another install names it (see model-match.ts).
  const { matchImportedModels } = await import('../../interop/model-match.ts');
  await matchImportedModels(imported, await core.modelSearchPath());
  const nodeErrors: Record<string, unknown> = {};
  for (const u of imported.report.unmapped) {
    nodeErrors[u.id] = { errors: [{ type: 'unmapped', message: u.reason, details: '' }], class_type: u.type };
  }
  if (Object.keys(nodeErrors).length === 0) {
    for (const p of await core.validate(imported.doc)) {
      const id = p.nodeId ?? 'graph';
      if (!nodeErrors[id]) nodeErrors[id] = { errors: [], class_type: '' };
      (nodeErrors[id] as { errors: unknown[] }).errors.push({
        type: p.code,
        message: p.message,
        details: p.field ?? '',
      });
    }
  }
  if (Object.keys(nodeErrors).length > 0) {
    const error = {
      type: 'prompt_outputs_failed_validation',
      message: 'Prompt outputs failed validation',
      details: '',
    };
    return json(res, 400, { error, node_errors: nodeErrors });
  }
  // ComfyUI's `front: true` queues ahead of the waiting prompts (its number goes negative).
  const front = body.front === true;
  const { runId } = await core.queue(imported.doc, 'ComfyUI prompt', { front });
  const clientId = typeof body.client_id === 'string' ? body.client_id : undefined;
  const number = state.track(runId, body.prompt as Record<string, unknown>, clientId, front);
  state.emitStatus();
  return json(res, 200, { prompt_id: runId, number, node_errors: {} });
}

async function view(res: ServerResponse, core: HostCore, url: URL) {
  const type = url.searchParams.get('type') ?? 'output';
  const filename = url.searchParams.get('filename') ?? '';
  const subfolder = url.searchParams.get('subfolder') ?? '';
  if (!filename || (type !== 'output' && type !== 'input'))
    return json(res, 400, { error: 'view needs filename and type output or input' });
  // The same rule as /files: only raster images, which can do nothing but show themselves.
  const imageType = servedImageType(filename);
  if (!imageType) return json(res, 403, { error: notAnImageMessage(filename) });
  try {
    const path = await core.resolveServedFile([type, subfolder, filename].filter(Boolean).join('/'));
    const bytes = await readFile(path);
    res.writeHead(200, { ...servedFileHeaders(imageType), 'content-length': bytes.length });
    res.end(bytes);
  } catch {
    json(res, 404, { error: `no file "${filename}" in ${type}` });
  }
}

function objectInfo() {
  const info: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(COMFY_CLASSES)) {
    const required: Record<string, unknown> = {};
    for (const socket of spec.sockets) required[socket] = [socket.toUpperCase()];
    for (const widget of spec.widgets)
      if (widget !== 'control_after_generate' && widget !== 'upload') required[widget] = ['*'];
    info[name] = {
      input: { required },
      output: spec.outputs,
      output_name: spec.outputs,
      name,
      display_name: name,
      category: 'diffgraph/comfy',
      output_node: spec.outputs.length === 0,
    };
  }
  return info;
}

export async function handleComfy(
  req: IncomingMessage,
  res: ServerResponse,
  core: HostCore,
  state: ComfyState,
  url: URL,
) {
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (path === '/prompt' && method === 'POST') return postPrompt(req, res, core, state);
  if (path === '/prompt') return json(res, 200, { exec_info: { queue_remaining: state.queueRemaining() } });
  if (path === '/queue' && method === 'GET') {
    const items = state.pending().map((p) => [p.number, p.promptId, p.prompt, { client_id: p.clientId }, []]);
    return json(res, 200, { queue_running: items.slice(0, 1), queue_pending: items.slice(1) });
  }
  if (path === '/queue' && method === 'POST') {
    const body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8') || '{}') as {
      clear?: boolean;
      delete?: string[];
    };
    const ids = body.clear
      ? state
          .pending()
          .slice(1)
          .map((p) => p.promptId)
      : (body.delete ?? []);
    for (const id of ids) await core.cancel(id);
    return json(res, 200, {});
  }
  if (path === '/interrupt' && method === 'POST') {
    const running = state.pending()[0];
    if (running) await core.cancel(running.promptId);
    return json(res, 200, {});
  }
  if (path === '/history' && method === 'GET') return json(res, 200, state.history.all());
  if (path === '/history' && method === 'POST') {
    const body = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8') || '{}') as {
      clear?: boolean;
      delete?: string[];
    };
    await state.history.clear(body.clear ? undefined : (body.delete ?? []));
    return json(res, 200, {});
  }
  if (path.startsWith('/history/')) {
    const id = decodeURIComponent(path.slice('/history/'.length));
    const entry = state.history.get(id);
    return json(res, 200, entry ? { [id]: entry } : {});
  }
  if (path === '/upload/image' && method === 'POST') return uploadImage(req, res, core);
  if (path === '/view') return view(res, core, url);
  if (path === '/system_stats') {
    const system = {
      os: process.platform,
      python_version: '',
      embedded_python: false,
      comfyui_version: 'diffgraph',
    };
    return json(res, 200, { system: { ...system, ram_total: 0, ram_free: 0 }, devices: [] });
  }
  if (path === '/object_info') return json(res, 200, objectInfo());
  if (path === '/models') return json(res, 200, Object.keys(MODEL_FOLDERS));
  if (path.startsWith('/models/')) {
    const kinds = MODEL_FOLDERS[decodeURIComponent(path.slice('/models/'.length))];
    if (!kinds) return json(res, 404, { error: `no model folder ${path.slice('/models/'.length)}` });
    const models = await core.listModels();
    return json(
      res,
      200,
      models.filter((m) => kinds.includes(m.kind)).map((m) => m.name),
    );
  }
  return json(res, 404, { error: `no ComfyUI endpoint ${method} ${url.pathname}` });
}
