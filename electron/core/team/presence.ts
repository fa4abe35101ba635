import type { PresentOperator, Role, Screen } from '../../../shared/team.js';

/** One open window of an operator. */
export interface PresentWindow {
  name: string;
  role: Role;
  screen: Screen;
  /** When it connected, epoch ms. */
  since: number;
}

/** Who has the console open and where, kept by the console server across its instances. */
export interface PresenceBoard {
  list(): PresentOperator[];
  /** A window now shows another screen. */
  showing(connectionId: string, screen: Screen): void;
}

/** One line per operator with the screens of all their windows, by name. */
export function groupPresence(windows: Iterable<PresentWindow>): PresentOperator[] {
  const byName = new Map<string, PresentOperator>();
  for (const w of windows) {
    const seen = byName.get(w.name);
    if (seen) {
      seen.screens.push(w.screen);
      seen.since = Math.min(seen.since, w.since);
    } else {
      byName.set(w.name, { name: w.name, role: w.role, screens: [w.screen], since: w.since });
    }
  }
  return [...byName.values()].map((p) => ({ ...p, screens: [...p.screens].sort() })).sort((a, b) => a.name.localeCompare(b.name));
}
