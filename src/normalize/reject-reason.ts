/**
 * Why a frame went to the dead-letter topic. The strings are a contract: they appear in dead letters,
 * in metric labels and in the `normalize` command's output.
 */
export const rejectReasons = [
  /** The frame is not JSON text. */
  'not_json',
  /** The frame is JSON but not an object (array, string, number, null). */
  'not_an_object',
  /** The frame has no `event` key. */
  'missing_event',
  /** Nests deeper than any Shelly frame does; refused so that no later step recurses without end. */
  'too_deeply_nested',
  /**
   * A field the event needs is absent or of the wrong type: `event` not a string, `status`,
   * `settings`, `device` or `data` not an object, `online` not 0/1/boolean, `trid` not a number or
   * string, `isok` not a boolean, `result` not a string, `device.gen` not a string, `device.code`
   * not a string of 1 to 64 characters.
   */
  'invalid_field',
  /** Neither `deviceId` nor `device.id` is present where the event needs a device. */
  'missing_device_id',
  /** The device id is none of: decimal string, 6/12-character hex, `X…` id, non-negative integer. */
  'invalid_device_id',
  /** A number in the frame is not finite in a double (`1e400`), or a device id is beyond 2^48. */
  'number_out_of_range',
  /** `device.gen` names a generation the service does not know (G1, G2, G3, G4, GBLE, V1 it does). */
  'unknown_generation',
] as const;

export type RejectReason = (typeof rejectReasons)[number];

/** Why a well-formed frame is dropped on purpose; counted, never dead-lettered. */
export const dropReasons = [
  /** An event this service does not consume (e.g. `Shelly:JrpcResponse`, `Error`). */
  'unknown_event',
] as const;

export type DropReason = (typeof dropReasons)[number];
