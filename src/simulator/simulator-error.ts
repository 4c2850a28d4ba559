/** A request the simulator cannot carry out; `code` is stable (UNKNOWN_DEVICE, UNKNOWN_HOST, ...). */
export class SimulatorError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}
