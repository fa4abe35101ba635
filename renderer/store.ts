import { create } from 'zustand';
import type { ConsoleBridge } from '../shared/bridge.js';
import type { ConsoleSnapshot } from '../shared/console-state.js';
import type { WindowMinutes } from '../shared/kpi.js';

interface ConsoleStore {
  bridge: ConsoleBridge | null;
  snapshot: ConsoleSnapshot | null;
  windowMin: WindowMinutes;
  setWindow(windowMin: WindowMinutes): void;
  connect(bridge: ConsoleBridge): void;
}

export const useConsole = create<ConsoleStore>((set) => ({
  bridge: null,
  snapshot: null,
  windowMin: 5,
  setWindow: (windowMin) => set({ windowMin }),
  connect: (bridge) => {
    set({ bridge });
    // Snapshots arrive batched by the core (a few per second), so each one is a single set().
    bridge.onSnapshot((snapshot) => set({ snapshot }));
    void bridge.invoke('console:snapshot', {}).then((snapshot) => set({ snapshot }));
  },
}));
