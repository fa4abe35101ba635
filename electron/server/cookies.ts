/** The session cookie: read by the server alone (HttpOnly), never sent by another site's page (SameSite=Strict). */

export function cookieName(secure: boolean): string {
  // __Host- binds the cookie to this exact host and path, over TLS only: no sibling subdomain can set or shadow it.
  return secure ? '__Host-launch-console-session' : 'launch-console-session';
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

export function sessionCookie(name: string, value: string, maxAgeSec: number, secure: boolean): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.max(0, Math.floor(maxAgeSec))}${secure ? '; Secure' : ''}`;
}

export function clearedCookie(name: string, secure: boolean): string {
  return sessionCookie(name, '', 0, secure);
}
