/** Retries an assertion every 100 ms until it passes, or rethrows its last failure after `timeoutMs`. */
export async function eventually(
  assertion: () => Promise<void> | void,
  timeoutMs: number,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  await eventually(() => expect(check()).toBe(true), timeoutMs);
}
