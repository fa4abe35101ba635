import type { BridgeChannel } from '../../../shared/bridge-channels.js';
import type { RoutingActionName } from '../../../shared/protocol.js';
import { CHANNEL_ACCESS, roleMay, roleMayAct, type ActionPermissions, type Role } from '../../../shared/team.js';

const ACCESS_WORDS = { read: 'see the launch', review: 'review and annotate', operate: 'act on the launch', admin: 'change what the launch is measured against' } as const;

function withArticle(role: Role): string {
  return `${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
}

/** What a request would do on the routing provider, for the permission its action needs. */
export type ActionsOf = (channel: BridgeChannel, request: unknown) => RoutingActionName[];

/**
 * Why an operator of this role may not make this request, or null when they may. The channel
 * decides the level; a routing action also needs the launch configuration's leave for its kind.
 */
export function refusal(role: Role, channel: BridgeChannel, request: unknown, permissions: ActionPermissions, actionsOf: ActionsOf): string | null {
  const level = CHANNEL_ACCESS[channel];
  if (!roleMay(role, level)) return `${withArticle(role)} may not ${ACCESS_WORDS[level]} (${channel})`;
  for (const action of actionsOf(channel, request)) {
    if (!roleMayAct(permissions, role, action)) {
      return `the launch configuration lets ${permissions[action].join(' and ')} trigger ${action}, not ${withArticle(role)}`;
    }
  }
  return null;
}
