// Errors the host reports to the editor. Browser-safe: both transports carry `code` across so
// the editor can tell "refused" from "not found" without parsing messages.

export type HostErrorCode =
  | 'bad-request'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'unavailable'
  | 'internal';

const HTTP_STATUS: Record<HostErrorCode, number> = {
  'bad-request': 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

export class HostError extends Error {
  constructor(
    readonly code: HostErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HostError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export function httpStatusOf(code: HostErrorCode): number {
  return HTTP_STATUS[code];
}
