import { create } from 'zustand';
import type { ConsoleBridge } from '../shared/bridge.js';
import type { ConsoleSnapshot } from '../shared/console-state.js';
import type { WindowMinutes } from '../shared/kpi.js';
import type { RoutingActionName } from '../shared/protocol.js';

export type View = 'dashboard' | 'alerts' | 'reviews' | 'sampling' | 'audit';

/** What another screen asks the emergency controls to confirm (an alert's action, a review's rollback). */
export interface EmergencyRequest {
  action: RoutingActionName;
  intents?: string[];
  share?: number;
  reason?: string;
  /** Where the request came from, shown in the confirm. */
  origin: string;
}

export interface Notice {
  id: string;
  title: string;
  body: string;
  severity: 'info' | 'warning' | 'critical';
  at: number;
}

interface ConsoleStore {
  bridge: ConsoleBridge | null;
  snapshot: ConsoleSnapshot | null;
  windowMin: WindowMinutes;
  view: View;
  emergency: EmergencyRequest | null;
  notices: Notice[];
  muted: boolean;
  setWindow(windowMin: WindowMinutes): void;
  setView(view: View): void;
  openEmergency(request: EmergencyRequest): void;
  closeEmergency(): void;
  dismissNotice(id: string): void;
  setMuted(muted: boolean): void;
  connect(bridge: ConsoleBridge): void;
}

const MAX_NOTICES = 5;

export const useConsole = create<ConsoleStore>((set, get) => ({
  bridge: null,
  snapshot: null,
  windowMin: 5,
  view: 'dashboard',
  emergency: null,
  notices: [],
  muted: false,
  setWindow: (windowMin) => set({ windowMin }),
  setView: (view) => set({ view }),
  openEmergency: (emergency) => set({ emergency }),
  closeEmergency: () => set({ emergency: null }),
  dismissNotice: (id) => set({ notices: get().notices.filter((n) => n.id !== id) }),
  setMuted: (muted) => set({ muted }),
  connect: (bridge) => {
    set({ bridge });
    // Snapshots arrive batched by the core (a few per second), so each one is a single set().
    bridge.onPush((push) => {
      if (push.kind === 'snapshot') set({ snapshot: push.snapshot });
      else if (push.kind === 'notification') {
        const notice: Notice = { id: push.id, title: push.title, body: push.body, severity: push.severity, at: Date.now() };
        set({ notices: [notice, ...get().notices.filter((n) => n.id !== push.id)].slice(0, MAX_NOTICES) });
      } else if (push.kind === 'shortcut') {
        set({ emergency: { action: 'stop_all', origin: 'emergency stop shortcut' } });
      }
    });
    // A failed first read is harmless: the core pushes a snapshot on every tick anyway. A reply
    // that arrives after a pushed snapshot is older than it and must not replace it.
    void bridge.invoke('console:snapshot', {}).then(
      (snapshot) => set((s) => (s.snapshot && s.snapshot.generatedAt >= snapshot.generatedAt ? {} : { snapshot })),
      () => undefined,
    );
  },
}));
