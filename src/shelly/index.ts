// What other modules may use of this one (see .dependency-cruiser.cjs).
export type { CommandResult } from './command-correlator';
export { CommandDispatcher } from './command-dispatcher';
export { IntegratorActions } from './integrator-actions';
export type { ActionResult } from './integrator-actions';
export { IntegratorUnsubscribeClient } from './integrator-unsubscribe.client';
export type { UnsubscribeAnswer } from './integrator-unsubscribe.client';
export type { ShellyCommandData, ShellyRequest } from './outgoing-frames';
export { FramePort, SessionKeySource } from './ports';
export type { FrameOrigin } from './ports';
export { accountSessionKey, readSessionKey } from './session-key';
export type { SessionKey } from './session-key';
export { readResponse } from './responses';
export type { ActionResponse, RpcError, ShellyResponse } from './responses';
export { SessionsHealth } from './sessions.health';
export { ShellyModule } from './shelly.module';
