import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ConsoleBridge } from '../shared/bridge.js';
import { isBridgeChannel, SNAPSHOT_PUSH_CHANNEL } from '../shared/bridge-channels.js';
import type { ConsoleSnapshot } from '../shared/console-state.js';

const bridge = {
  invoke(channel, request) {
    if (!isBridgeChannel(channel)) return Promise.reject(new Error(`unknown bridge channel ${String(channel)}`));
    return ipcRenderer.invoke(channel, request);
  },
  onSnapshot(listener: (snapshot: ConsoleSnapshot) => void) {
    const handler = (_event: IpcRendererEvent, snapshot: ConsoleSnapshot) => listener(snapshot);
    ipcRenderer.on(SNAPSHOT_PUSH_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(SNAPSHOT_PUSH_CHANNEL, handler);
    };
  },
} satisfies ConsoleBridge;

contextBridge.exposeInMainWorld('launchConsole', bridge);
