import { planLeases } from '../src/leases/lease-plan';

export interface AssignmentFigures {
  keys: number;
  replicas: number;
  /** Keys per replica once the rounds settled. */
  spread: { min: number; max: number; bound: number };
  /** Rounds of every replica until nothing changed, from no lease at all. */
  rounds_to_settle: number;
  /** A 21st replica joins: keys that changed holder (all to it), and the spread after. */
  join: { moved: number; spread: { min: number; max: number }; rounds_to_settle: number };
  /** One of the 20 leaves: its keys, and no other, change holder. */
  leave: { moved: number; least_possible: number; rounds_to_settle: number };
}

/**
 * The session leases' assignment, played in memory with the service's own `planLeases`: each
 * round, every replica in random order renews what it holds, gives up what is over its share and
 * takes free keys up to it, in random order, as `LeaseStore.acquire` does.
 */
export function simulateAssignment(keys: number, replicas: number): AssignmentFigures {
  const wanted = new Set(Array.from({ length: keys }, (_, i) => `shelly-${i}-eu.shelly.cloud`));
  const holders = new Map<string, string>();
  const members = Array.from({ length: replicas }, (_, i) => `replica-${i}`);

  const start = settle(holders, members, wanted);
  const counts = perReplica(holders, members);

  const beforeJoin = new Map(holders);
  const joined = [...members, `replica-${replicas}`];
  const joinRounds = settle(holders, joined, wanted);
  const joinMoved = changed(beforeJoin, holders);
  const joinedCounts = perReplica(holders, joined);

  const beforeLeave = new Map(holders);
  const leaving = joined[0];
  for (const [key, holder] of holders) if (holder === leaving) holders.delete(key);
  const leaveRounds = settle(
    holders,
    joined.filter((member) => member !== leaving),
    wanted,
  );
  return {
    keys,
    replicas,
    spread: {
      min: Math.min(...counts),
      max: Math.max(...counts),
      bound: Math.ceil(keys / replicas) + 1,
    },
    rounds_to_settle: start,
    join: {
      moved: joinMoved,
      spread: { min: Math.min(...joinedCounts), max: Math.max(...joinedCounts) },
      rounds_to_settle: joinRounds,
    },
    leave: {
      moved: changed(beforeLeave, holders),
      least_possible: [...beforeLeave.values()].filter((holder) => holder === leaving).length,
      rounds_to_settle: leaveRounds,
    },
  };
}

/** Rounds of every member, in random order each time, until one changes nothing. */
function settle(holders: Map<string, string>, members: string[], wanted: Set<string>): number {
  for (let rounds = 1; rounds <= 1_000; rounds++) {
    let changes = 0;
    for (const member of shuffled(members)) {
      const owned = [...holders].filter(([, holder]) => holder === member).map(([key]) => key);
      const plan = planLeases(owned, wanted, members.length);
      for (const { key } of plan.release) holders.delete(key);
      const free = shuffled([...wanted].filter((key) => !holders.has(key))).slice(0, plan.acquire);
      for (const key of free) holders.set(key, member);
      changes += plan.release.length + free.length;
    }
    if (changes === 0) return rounds;
  }
  throw new Error('the assignment did not settle within 1,000 rounds');
}

function perReplica(holders: Map<string, string>, members: string[]): number[] {
  return members.map((member) => [...holders.values()].filter((h) => h === member).length);
}

function changed(before: Map<string, string>, after: Map<string, string>): number {
  return [...before].filter(([key, holder]) => after.get(key) !== holder).length;
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}
