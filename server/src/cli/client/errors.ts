/** Failures of the client commands, each with its exit code; the message is all the user sees. */
export class ClientError extends Error {
  readonly exitCode: number = 1;
  override readonly name: string = 'ClientError';
}

/** A mistake in how a command was called. */
export class UsageError extends ClientError {
  override readonly exitCode = 2;
  override readonly name = 'UsageError';
}

/** Something in the destination is in the way (transfer label conflicts). */
export class ConflictError extends ClientError {
  override readonly exitCode = 3;
  override readonly name = 'ConflictError';
}
