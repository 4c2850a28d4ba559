import { z } from 'zod';
import { DomainError } from './domain-error';
import { parseBody } from './validation';

describe('request body validation', () => {
  const schema = z.object({ name: z.string(), tags: z.array(z.string()).optional() });

  it.each([
    ['a value', { name: 'a\u0000b' }],
    ['a nested value', { name: 'a', tags: ['x', 'y\u0000'] }],
    ['a key the schema would drop', { name: 'a', ['k\u0000']: 1 }],
  ])('refuses a NUL character in %s, which Postgres cannot store', (_case, body) => {
    expect(() => parseBody(schema, body)).toThrow(
      expect.objectContaining({
        code: 'invalid_body',
        message: 'body: NUL characters are not allowed',
      }) as DomainError,
    );
  });

  it('takes other control characters and any other text', () => {
    expect(parseBody(schema, { name: 'a\u0001\t💡' })).toEqual({ name: 'a\u0001\t💡' });
  });
});
