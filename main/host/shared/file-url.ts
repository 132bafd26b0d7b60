// URLs for files the editor displays (engine outputs, input images). The same form works for the
// HTTP server and the Electron app protocol: `<base>files?path=<absolute>` or
// `<base>files/<area>/<relative>`. Browser-safe.

/** Does this look like an absolute path on POSIX or Windows? */
export function looksAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

export function fileUrlFor(base: string, path: string, token?: string): string {
  const root = base.endsWith('/') ? base : `${base}/`;
  const url = looksAbsolute(path)
    ? new URL(`files?path=${encodeURIComponent(path)}`, root)
    : new URL(`files/${path.split('/').map(encodeURIComponent).join('/')}`, root);
  if (token) url.searchParams.set('token', token);
  return url.toString();
}

/** The inverse, for the server and the protocol handler: the requested path, or null. */
export function servedPathFromUrl(url: URL): string | null {
  if (url.pathname === '/files' || url.pathname === '/files/') return url.searchParams.get('path');
  if (!url.pathname.startsWith('/files/')) return null;
  try {
    return url.pathname.slice('/files/'.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    return null;
  }
}
