import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from '../../../shared/team.js';

/** A signed-in operator on whose behalf a request runs. */
export interface Actor {
  name: string;
  role: Role;
  /** When the session ends whatever its use, epoch ms. */
  sessionEndsAt: number;
  /** The window the request came from: presence is per window. */
  connectionId: string;
}

/**
 * Who asked, carried with a request through every await down to the records it writes, so a
 * feature stamps the operator who clicked rather than the shift owner without each handler
 * being handed a name it could forget to pass on.
 */
const acting = new AsyncLocalStorage<Actor>();

export function actingAs<T>(actor: Actor, work: () => T): T {
  return acting.run(actor, work);
}

export function currentActor(): Actor | undefined {
  return acting.getStore();
}
