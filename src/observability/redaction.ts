const jwtPattern = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const tokenQueryPattern = /([?&]t=)[^&\s"'\\]+/g;
const apiKeyPattern = /sik_[A-Za-z0-9_-]+/g;

export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["scl-trust"]',
  'req.headers["shelly-ingest-forwarded"]',
  'res.headers["set-cookie"]',
  '*.token',
  '*.password',
  '*.apiKey',
  '*.pepper',
  '*.integratorToken',
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Builds a function that removes secrets from a finished log line: JWTs, the `t=` token of a
 * WebSocket URL, API keys, and the exact configured secret values (raw and JSON-escaped). It runs on
 * the serialized line, so a secret is caught wherever it hides: a message, an error stack, a nested
 * object.
 */
export function secretScrubber(secrets: readonly string[]): (line: string) => string {
  const forms = secrets
    .filter((s) => s.length > 0)
    .flatMap((s) => [s, JSON.stringify(s).slice(1, -1)])
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const exact = forms.length > 0 ? new RegExp(forms.join('|'), 'g') : undefined;
  return (line) => {
    let clean = line
      .replace(jwtPattern, '[REDACTED_JWT]')
      .replace(tokenQueryPattern, '$1[REDACTED]')
      .replace(apiKeyPattern, '[REDACTED_API_KEY]');
    if (exact) clean = clean.replace(exact, '[REDACTED]');
    return clean;
  };
}
