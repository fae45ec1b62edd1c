import { UsageError } from './errors.js';

/** Commander parser for options taking comma-separated values that may also be repeated. */
export const commaList = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];

/** Commander parser for options that may be repeated. */
export const repeated = (value: string, previous: string[] = []) => [...previous, value];

/** `--parallel` as a whole number in range, or a usage error naming it. */
export function parallelism(value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--parallel must be a number from 1 to ${max}, not '${value}'`);
  return n;
}
