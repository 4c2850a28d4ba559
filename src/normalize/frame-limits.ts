import { RejectReason } from './reject-reason';
import { JsonObject } from './readings';

/** Far deeper than any Shelly status or config nests; well below what a recursive serializer survives. */
const maxFrameDepth = 64;

export interface FrameProblem {
  reason: Extract<RejectReason, 'number_out_of_range' | 'too_deeply_nested'>;
  detail: string;
}

/**
 * Walks the whole parsed frame once, without recursion so that no input can exhaust the stack.
 * JSON.parse turns number literals beyond a double (`1e400`) into Infinity, which JSON cannot carry
 * on, so such a frame is refused as a whole rather than published with a silently changed value.
 */
export function findFrameProblem(frame: JsonObject): FrameProblem | undefined {
  const pending: object[] = [frame];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const node = pending.pop() as Record<string, unknown>;
    const childDepth = (depths.pop() as number) + 1;
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        const problem = inspect(node[index], childDepth, pending, depths);
        if (problem !== undefined) return { reason: problem, detail: describe(problem, index) };
      }
    } else {
      for (const key in node) {
        const problem = inspect(node[key], childDepth, pending, depths);
        if (problem !== undefined) return { reason: problem, detail: describe(problem, key) };
      }
    }
  }
  return undefined;
}

function inspect(
  value: unknown,
  depth: number,
  pending: object[],
  depths: number[],
): FrameProblem['reason'] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'number_out_of_range';
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > maxFrameDepth) return 'too_deeply_nested';
  pending.push(value);
  depths.push(depth);
  return undefined;
}

function describe(problem: FrameProblem['reason'], where: string | number): string {
  const place = typeof where === 'number' ? `item ${where}` : `"${where.slice(0, 64)}"`;
  return problem === 'number_out_of_range'
    ? `the number at ${place} does not fit in a double`
    : `the frame nests deeper than ${maxFrameDepth} levels (at ${place})`;
}
