export default async function globalTeardown(): Promise<void> {
  const containers = (globalThis as Record<string, unknown>).__testContainers as
    { stop(): Promise<unknown> }[] | undefined;
  await Promise.all((containers ?? []).map((c) => c.stop()));
}
