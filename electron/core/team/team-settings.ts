import type { LaunchConfig } from '../../../shared/config.js';
import type { TeamConfig } from '../../../shared/team.js';
import { slug } from '../lib/slug.js';

/** The launch's name in the team database: configured, or made from the launch name as a data folder's is. */
export function teamLaunchId(config: LaunchConfig): string {
  return config.team?.launchId ?? slug(config.launchName, 'launch', 63);
}

/** Whether the team's browsers reach the server over TLS (its own, or a proxy's). */
export function teamIsSecure(team: TeamConfig): boolean {
  return team.tls !== undefined || team.behindTlsProxy;
}

/** The address operators open: configured, else the server's own. */
export function teamPublicUrl(team: TeamConfig, port = team.port): string {
  if (team.publicUrl) return team.publicUrl;
  const host = team.host.includes(':') ? `[${team.host}]` : team.host;
  return `${team.tls ? 'https' : 'http'}://${host}:${port}`;
}
