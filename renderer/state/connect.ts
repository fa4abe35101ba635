import type { ConsoleBridge } from '../../shared/bridge.js';
import { setBridge } from '../bridge/invoke.js';
import { useConsole } from './store.js';

/** Hands the picked bridge to the invoke module and feeds its pushes into the store. */
export function connect(bridge: ConsoleBridge): void {
  setBridge(bridge);
  const state = useConsole.getState();
  // Snapshots arrive batched by the core (a few per second), so each one is a single set().
  bridge.onPush((push) => {
    if (push.kind === 'snapshot') state.receiveSnapshot(push.snapshot);
    else if (push.kind === 'notification') {
      state.addNotice({ id: push.id, title: push.title, body: push.body, severity: push.severity, at: Date.now() });
    } else if (push.kind === 'shortcut') {
      state.openEmergency({ action: 'stop_all', origin: 'emergency stop shortcut' });
    }
  });
  // A failed first read is harmless: the core pushes a snapshot on every tick anyway.
  void bridge.invoke('console:snapshot', {}).then(state.receiveSnapshot, () => undefined);
}
