import { deleteTopicsStartingWith, testRunTopicPrefix } from './services';

export default async function globalTeardown(): Promise<void> {
  const containers = (globalThis as Record<string, unknown>).__testContainers as
    { stop(): Promise<unknown> }[] | undefined;
  if (containers) {
    await Promise.all(containers.map((c) => c.stop()));
  } else if (process.env.KAFKA_BROKERS) {
    await deleteTopicsStartingWith(process.env.KAFKA_BROKERS, testRunTopicPrefix()).catch(
      (error: Error) =>
        process.stderr.write(`could not delete the test topics: ${error.message}\n`),
    );
  }
}
