/**
 * Host patterns are host names where `*` stands for one label's worth of letters, digits and
 * dashes, e.g. `shelly-*.shelly.cloud`. A host must match one pattern to be trusted.
 */
export function hostMatcher(patterns: readonly string[]): (host: string) => boolean {
  const regexes = patterns.map(
    (pattern) =>
      new RegExp(
        `^${pattern
          .toLowerCase()
          .split('*')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[a-z0-9-]+')}$`,
      ),
  );
  return (host) => regexes.some((regex) => regex.test(host.toLowerCase()));
}
