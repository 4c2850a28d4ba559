import { z } from 'zod';
import { DomainError } from './domain-error';

/**
 * Validates a request body, answering `invalid_body` with the first problem's path and message. A
 * NUL character anywhere is refused first: no field needs one, and Postgres stores none.
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (holdsNul(body)) {
    throw new DomainError('invalid_body', 'body: NUL characters are not allowed');
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new DomainError('invalid_body', `${issue.path.join('.') || 'body'}: ${issue.message}`);
}

/** Whether a NUL character is in any string or key of a parsed JSON value. */
export function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || holdsNul(item));
}
