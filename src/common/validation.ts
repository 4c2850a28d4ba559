import { z } from 'zod';
import { DomainError } from './domain-error';

/** Validates a request body, answering `invalid_body` with the first problem's path and message. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new DomainError('invalid_body', `${issue.path.join('.') || 'body'}: ${issue.message}`);
}
