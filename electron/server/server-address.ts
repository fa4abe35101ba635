import type { LocalAddress } from '../web/local-address.js';

/**
 * The names the console server answers to: its public address (the proxy's, when there is one)
 * and the address it listens on. A browser's Origin must be one of them: another site's page is
 * refused whatever cookies the browser would send.
 */
export function serverAddress(listenHost: string, port: number, secure: boolean, publicUrl: string | undefined): LocalAddress {
  const scheme = secure ? 'https' : 'http';
  const hosts = new Set<string>();
  const origins = new Set<string>();
  const add = (host: string, originScheme = scheme) => {
    hosts.add(host.toLowerCase());
    origins.add(`${originScheme}://${host}`.toLowerCase());
  };
  const listen = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  add(`${listen}:${port}`);
  if (listenHost === '127.0.0.1' || listenHost === 'localhost') {
    add(`127.0.0.1:${port}`);
    add(`localhost:${port}`);
  }
  if (publicUrl) {
    const u = new URL(publicUrl);
    add(u.host, u.protocol.slice(0, -1));
  }
  return {
    isOwnHost: (host) => host !== undefined && hosts.has(host.toLowerCase()),
    isOwnOrigin: (origin) => origin !== undefined && origins.has(origin.toLowerCase()),
  };
}
