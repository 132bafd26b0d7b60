// A small, bounded multipart/form-data parser (RFC 7578) for ComfyUI's POST /upload/image. It works
// on a body already read under a size limit (readBody), so chunking never matters here; it refuses
// too many parts, oversized part headers and a body that does not end with the closing boundary.

export interface MultipartPart {
  /** The form field name from Content-Disposition. */
  name: string;
  /** The file name, for file fields; undefined for plain fields. */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export class MultipartError extends Error {}

const MAX_PARTS = 16;
const MAX_HEADER_BYTES = 8 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/** The boundary from a `multipart/form-data; boundary=...` Content-Type, or an error saying what is wrong. */
export function boundaryOf(contentType: string | undefined): string {
  const type = contentType ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type))
    throw new MultipartError(`expected Content-Type: multipart/form-data; boundary=..., got "${type}"`);
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(type);
  if (!match) throw new MultipartError('the multipart Content-Type has no boundary (1 to 70 characters)');
  return match[1] ?? match[2];
}

/** Each part of the body, in order. */
export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundaryOf(contentType)}`);
  // The first delimiter may follow a preamble; later ones always follow a CRLF.
  let at = body.indexOf(delimiter);
  if (at < 0) throw new MultipartError('the body has no multipart boundary');
  const next = Buffer.concat([CRLF, delimiter]);
  const parts: MultipartPart[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString('latin1') === '--') return parts;
    if (!body.subarray(at, at + 2).equals(CRLF))
      throw new MultipartError('a multipart boundary is not followed by a line break');
    const headerEnd = body.indexOf(HEADER_END, at + 2);
    if (headerEnd < 0 || headerEnd - at > MAX_HEADER_BYTES)
      throw new MultipartError(`a multipart part's headers are missing or over ${MAX_HEADER_BYTES} bytes`);
    const end = body.indexOf(next, headerEnd + 4);
    if (end < 0) throw new MultipartError('the multipart body ends before its closing boundary');
    if (parts.length === MAX_PARTS) throw new MultipartError(`more than ${MAX_PARTS} multipart parts`);
    const headers = body.subarray(at + 2, headerEnd).toString('utf8');
    parts.push({ ...partHeaders(headers), data: body.subarray(headerEnd + 4, end) });
    at = end + CRLF.length;
  }
}

function partHeaders(text: string): Omit<MultipartPart, 'data'> {
  let disposition = '';
  let contentType: string | undefined;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') disposition = value;
    else if (key === 'content-type') contentType = value;
  }
  if (!/^form-data\s*;/i.test(disposition))
    throw new MultipartError('a multipart part has no "Content-Disposition: form-data" header');
  const name = param(disposition, 'name');
  if (name === undefined) throw new MultipartError('a multipart part has no field name');
  return { name, filename: param(disposition, 'filename'), contentType };
}

/** A `key="value"` (or bare `key=value`) parameter of a header value. */
function param(header: string, key: string): string | undefined {
  const match = new RegExp(`;\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(header);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}
