/**
 * The allow-list of bridge channels, free of dependencies so the sandboxed preload can carry it.
 * shared/bridge.ts gives each channel its request schema and response type.
 */
export const BRIDGE_CHANNELS = [
  'console:snapshot',
  'operator:set-shift-owner',
  'routing:prepare',
  'routing:execute',
  'routing:refresh',
  'routing:resolve-pending',
  'routing:token-status',
  'routing:set-token',
  'audit:list',
  'audit:export',
  'alerts:acknowledge',
  'alerts:cancel-auto-act',
  'alerts:capture-baseline',
  'alerts:revert-baseline',
  'cadence:set-t0',
  'review:open',
  'review:check',
  'review:complete',
  'known-issue:upsert',
  'sampling:start',
  'sampling:redraw',
  'sampling:sessions',
  'sampling:session',
  'sampling:annotate',
  'sampling:reveal',
  'sampling:recording',
  'sampling:export',
  'gates:set-owner',
  'gates:tick',
  'gates:add-evidence',
  'gates:set-result',
  'gates:accept-risk',
  'gates:set-mode',
  'gates:decide',
  'gates:export',
  'rollout:promote',
  'rollout:check',
  'rollout:return-to',
  'rehearsal:start',
  'rehearsal:trigger',
  'rehearsal:tick',
  'rehearsal:restore',
  'rehearsal:finish',
  'report:build',
  'report:pdf',
  'team:me',
  'team:presence',
  'team:take-shift',
  'team:offer-handover',
  'team:accept-handover',
  'team:cancel-handover',
  'team:merge-offline',
] as const;
export type BridgeChannel = (typeof BRIDGE_CHANNELS)[number];

/** Pushed from the core to the renderer: snapshots, notifications, the emergency shortcut. */
export const PUSH_CHANNEL = 'console:push';

export function isBridgeChannel(value: unknown): value is BridgeChannel {
  return typeof value === 'string' && (BRIDGE_CHANNELS as readonly string[]).includes(value);
}
