import type { Role, Screen, PresentOperator } from '../../../shared/team.js';

interface Connection {
  name: string;
  role: Role;
  screen: Screen;
  since: number;
}

/**
 * Who has the console open and on which screen, one entry per window. Bounded by the windows
 * open now: a window is forgotten when it disconnects.
 */
export class Presence {
  private readonly connections = new Map<string, Connection>();

  connect(connectionId: string, who: { name: string; role: Role }, now: number): void {
    this.connections.set(connectionId, { name: who.name, role: who.role, screen: 'dashboard', since: now });
  }

  showing(connectionId: string, screen: Screen): void {
    const c = this.connections.get(connectionId);
    if (c) c.screen = screen;
  }

  disconnect(connectionId: string): void {
    this.connections.delete(connectionId);
  }

  isPresent(name: string): boolean {
    for (const c of this.connections.values()) if (c.name === name) return true;
    return false;
  }

  list(): PresentOperator[] {
    const byName = new Map<string, PresentOperator>();
    for (const c of this.connections.values()) {
      const seen = byName.get(c.name);
      if (seen) {
        seen.screens.push(c.screen);
        seen.since = Math.min(seen.since, c.since);
      } else {
        byName.set(c.name, { name: c.name, role: c.role, screens: [c.screen], since: c.since });
      }
    }
    return [...byName.values()]
      .map((p) => ({ ...p, screens: [...p.screens].sort() }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
