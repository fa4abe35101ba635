import { isIP } from 'node:net';
import { ConfigError } from '../../shared/config.js';
import type { TeamConfig } from '../../shared/team.js';

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * Operators' sessions and the launch's emergency controls must not cross a network in clear
 * text: beyond this machine the server speaks TLS itself, or a TLS-terminating proxy does.
 */
export function checkBinding(team: TeamConfig): void {
  if (isLoopback(team.host) || team.tls || team.behindTlsProxy) return;
  throw new ConfigError(
    `team.host "${team.host}" is not a loopback address, and the console server listens beyond this machine only over TLS: ` +
      'give team.tls { "certFile", "keyFile" } (PEM files), or set team.behindTlsProxy when a TLS-terminating proxy forwards to it ' +
      '(and bind it where only the proxy reaches it); or keep the default 127.0.0.1',
  );
}
