import { z } from 'zod';
import { holdsNul } from '../common';

/** `Component.Method`, as Gen2+ devices name their RPC methods. */
const METHOD_NAME = /^[A-Za-z][A-Za-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$/;

export const rpcCall = z
  .strictObject({
    method: z
      .string()
      .max(64)
      .regex(METHOD_NAME, 'expected Component.Method, e.g. Switch.GetStatus')
      .meta({
        description:
          'The Gen2+ RPC method, e.g. `Shelly.GetStatus` or `Switch.Set`; matched regardless of case, as the device does.',
      }),
    params: z
      .record(z.string(), z.unknown())
      .refine((params) => !holdsNul(params), {
        error: 'NUL characters are not allowed in params',
      })
      .optional()
      .meta({ description: 'The method\'s parameters, e.g. `{"id": 0, "on": true}`.' }),
  })
  .meta({ description: "A Gen2+ device's own RPC method to call through Shelly's cloud." });

export type RpcCall = z.infer<typeof rpcCall>;

/** An RPC call as the command pipeline and its audit see it: one more type of command. */
export interface RpcCommand extends RpcCall {
  type: 'rpc';
}
