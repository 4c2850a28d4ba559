/** What one replica does with its leases in a round, given what it holds and what is wanted. */
export interface LeasePlan {
  /** Keys to give up: no longer wanted, or over this replica's share. */
  release: { key: string; why: 'unwanted' | 'handoff' }[];
  /** How many more keys this replica may take, of the free ones. */
  acquire: number;
}

/**
 * Every live replica holds at most its share, ⌈wanted / replicas⌉, so that the keys spread evenly: a
 * replica over it hands the excess over (a joining replica then takes it), one under it takes free
 * keys up to it. The keys handed over are the last in sort order, so a replica keeps the same ones
 * round after round.
 */
export function planLeases(
  owned: readonly string[],
  wanted: ReadonlySet<string>,
  replicas: number,
): LeasePlan {
  const share = Math.ceil(wanted.size / Math.max(1, replicas));
  const kept = owned.filter((key) => wanted.has(key)).sort();
  const release: LeasePlan['release'] = owned
    .filter((key) => !wanted.has(key))
    .map((key) => ({ key, why: 'unwanted' as const }));
  for (const key of kept.slice(share)) release.push({ key, why: 'handoff' });
  return { release, acquire: Math.max(0, share - kept.length) };
}

/** How long a lease lasts, how often it is renewed, and when an unrenewed one must be let go. */
export interface LeaseTimes {
  durationMs: number;
  roundMs: number;
  /** A session is stopped this long before its lease could expire, for its socket to close. */
  stopMarginMs: number;
}

/**
 * From SESSION_LEASE_TTL_MS, the bound on a takeover: a dead holder's lease runs out within two
 * thirds of it and the next round of another replica, a sixth later, takes the key.
 */
export function leaseTimes(ttlMs: number): LeaseTimes {
  return {
    durationMs: Math.round((ttlMs * 2) / 3),
    roundMs: Math.round(ttlMs / 6),
    stopMarginMs: Math.round(ttlMs / 5),
  };
}
