import { useEffect, useRef } from 'react';
import type { AlertView } from '../../shared/console-state.js';
import { playAlertSound } from './alert-sound.js';

/** Keys of the critical firing episodes open in this view: rule id and the episode's firedAt. */
function openCriticalEpisodes(alerts: readonly AlertView[]): Set<string> {
  const keys = new Set<string>();
  for (const a of alerts) {
    if (a.rule.severity === 'critical' && a.state.firedAt !== undefined) keys.add(`${a.rule.id}@${a.state.firedAt}`);
  }
  return keys;
}

/**
 * Plays the chime once per new critical firing episode, unless muted. An episode that starts
 * while muted counts as heard, so unmuting later does not replay old news. Only open episodes
 * are remembered, so the memory never outgrows the rule list.
 */
export function useAlertSound(alerts: readonly AlertView[] | undefined, muted: boolean): void {
  const heard = useRef<Set<string>>(new Set());
  useEffect(() => {
    if (!alerts) return;
    const open = openCriticalEpisodes(alerts);
    const fresh = [...open].some((key) => !heard.current.has(key));
    heard.current = open;
    if (fresh && !muted) playAlertSound();
  }, [alerts, muted]);
}
