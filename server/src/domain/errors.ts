/** Every expected failure the product can report. One HTTP status per code lives in http/error-status.ts. */
export type ErrorCode =
  | 'invalid_input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'range_not_satisfiable'
  | 'locked'
  | 'storage_full'
  | 'not_implemented'
  | 'internal';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const invalidInput = (message: string, details?: Record<string, unknown>) =>
  new AppError('invalid_input', message, details);
export const notFound = (message: string) => new AppError('not_found', message);
export const forbidden = (message: string) => new AppError('forbidden', message);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError('conflict', message, details);
export const unauthenticated = (message = 'The request requires user authentication') =>
  new AppError('unauthenticated', message);
export const notImplemented = (message: string) => new AppError('not_implemented', message);

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
