import type { ErrorCode } from '../domain/errors.js';

/** The only error-code → HTTP-status table. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  locked: 423,
  storage_full: 507,
  not_implemented: 501,
  internal: 500,
};
