/** The simulator's records of requests keep this many most recent entries. */
const MAX_RECORDED = 10_000;

export function remember<T>(record: T[], entry: T): void {
  record.push(entry);
  if (record.length > MAX_RECORDED) record.splice(0, record.length - MAX_RECORDED);
}
