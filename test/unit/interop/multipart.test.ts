// The bounded multipart/form-data parser behind ComfyUI's POST /upload/image (RFC 7578 bodies
// written by hand here, as curl and Python's requests send them).
import { describe, expect, it } from 'vitest';
import { boundaryOf, MultipartError, parseMultipart } from '../../../main/server/comfy/multipart.ts';

const TYPE = 'multipart/form-data; boundary=----abc123';
const file = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff]); // has CRLF and "--"
const body = Buffer.concat([
  Buffer.from(
    'preamble\r\n------abc123\r\nContent-Disposition: form-data; name="image"; filename="a b.png"\r\n',
  ),
  Buffer.from('Content-Type: image/png\r\n\r\n'),
  file,
  Buffer.from('\r\n------abc123\r\nContent-Disposition: form-data; name="subfolder"\r\n\r\nsub\r\n'),
  Buffer.from(
    '------abc123\r\nContent-Disposition: form-data; name="overwrite"\r\n\r\ntrue\r\n------abc123--\r\n',
  ),
]);

describe('multipart/form-data parsing', () => {
  it('reads file and plain fields, binary data and all', () => {
    const parts = parseMultipart(body, TYPE);
    expect(parts.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ['image', 'a b.png', 'image/png'],
      ['subfolder', undefined, undefined],
      ['overwrite', undefined, undefined],
    ]);
    expect(parts[0].data.equals(file)).toBe(true);
    expect(parts[1].data.toString()).toBe('sub');
    expect(parts[2].data.toString()).toBe('true');
  });

  it('reads quoted boundaries and escaped names', () => {
    expect(boundaryOf('multipart/form-data; boundary="x y"')).toBe('x y');
    const quoted = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name="f"; filename="a\\"b.png"\r\n\r\nz\r\n--b--',
    );
    expect(parseMultipart(quoted, 'multipart/form-data; boundary=b')[0].filename).toBe('a"b.png');
  });

  it.each([
    ['application/json', /expected Content-Type: multipart\/form-data/],
    ['multipart/form-data', /expected Content-Type/],
    ['multipart/form-data; charset=utf-8', /no boundary/],
  ])('refuses the content type %s', (type, message) => {
    expect(() => parseMultipart(body, type)).toThrow(message);
  });

  it.each([
    ['no boundary at all', 'just text', /no multipart boundary/],
    [
      'a body cut before its closing boundary',
      body.subarray(0, body.length - 20).toString('latin1'),
      /ends before/,
    ],
    [
      'a part without headers end',
      '------abc123\r\nContent-Disposition: form-data; name="x"',
      /headers are missing/,
    ],
    [
      'a part without a name',
      '------abc123\r\nContent-Disposition: form-data; filename="x.png"\r\n\r\nx\r\n------abc123--',
      /no field name/,
    ],
    [
      'a part that is not form-data',
      '------abc123\r\nContent-Type: text/plain\r\n\r\nx\r\n------abc123--',
      /Content-Disposition/,
    ],
    ['garbage after a boundary', '------abc123xx', /not followed by a line break/],
  ])('refuses %s', (_what, text, message) => {
    const run = () => parseMultipart(Buffer.from(text, 'latin1'), TYPE);
    expect(run).toThrow(MultipartError);
    expect(run).toThrow(message);
  });

  it('refuses oversized part headers and too many parts', () => {
    const longHeader = `------abc123\r\nContent-Disposition: form-data; name="x"\r\nX-Pad: ${'a'.repeat(9000)}\r\n\r\nx\r\n------abc123--`;
    expect(() => parseMultipart(Buffer.from(longHeader), TYPE)).toThrow(/over 8192 bytes/);
    const many = `${'------abc123\r\nContent-Disposition: form-data; name="x"\r\n\r\nx\r\n'.repeat(17)}------abc123--`;
    expect(() => parseMultipart(Buffer.from(many), TYPE)).toThrow(/more than 16 multipart parts/);
  });

  it('reads an empty form', () => {
    expect(parseMultipart(Buffer.from('------abc123--\r\n'), TYPE)).toEqual([]);
  });
});
