import type { RoutingConfig } from '../../../../shared/routing-config.js';
import { HttpRoutingProvider, type RoutingProvider } from '../provider.js';
import { retellProvider } from './retell.js';
import { twilioProvider } from './twilio.js';
import { vapiProvider } from './vapi.js';

export interface RoutingSecrets {
  /** The secret `routing.tokenEnv` names: API v1's token, Twilio's auth token or key secret, Vapi's private key, Retell's API key. */
  token: string;
  /** The relay splitter's token (`routing.splitter.tokenEnv`), for Twilio shares. */
  splitterToken?: string;
}

/** The adapter `routing.kind` names. */
export function routingProviderFor(routing: RoutingConfig, secrets: RoutingSecrets, intents: readonly string[]): RoutingProvider {
  switch (routing.kind) {
    case 'http':
      return new HttpRoutingProvider({ baseUrl: routing.baseUrl, token: secrets.token, timeoutMs: routing.timeoutMs });
    case 'twilio':
      return twilioProvider(routing, { token: secrets.token, ...(secrets.splitterToken !== undefined ? { splitterToken: secrets.splitterToken } : {}) }, intents);
    case 'vapi':
      return vapiProvider(routing, secrets.token, intents);
    case 'retell':
      return retellProvider(routing, secrets.token, intents);
  }
}
