/**
 * The names this loopback host answers to. A browser sends the page's origin with every
 * WebSocket handshake and the name it dialled in Host, so checking both refuses another site's
 * page (which may hold a leaked token) and a DNS-rebinding page alike.
 */
export interface LocalAddress {
  isOwnHost(host: string | undefined): boolean;
  isOwnOrigin(origin: string | undefined): boolean;
}

export function localAddress(port: number): LocalAddress {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  return {
    isOwnHost: (host) => host !== undefined && hosts.has(host.toLowerCase()),
    isOwnOrigin: (origin) => origin !== undefined && origins.has(origin.toLowerCase()),
  };
}
