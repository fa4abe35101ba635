import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ConsoleBridge, ConsolePush } from '../shared/bridge.js';
import { isBridgeChannel, PUSH_CHANNEL } from '../shared/bridge-channels.js';

const bridge = {
  invoke(channel, request) {
    if (!isBridgeChannel(channel)) return Promise.reject(new Error(`unknown bridge channel ${String(channel)}`));
    return ipcRenderer.invoke(channel, request).catch((e: unknown) => {
      // Electron wraps a refusal as "Error invoking remote method 'x': Error: <message>"; the
      // operator sees the core's own message, worded as the web host shows it.
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(message.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, ''));
    });
  },
  onPush(listener: (push: ConsolePush) => void) {
    const handler = (_event: IpcRendererEvent, push: ConsolePush) => listener(push);
    ipcRenderer.on(PUSH_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(PUSH_CHANNEL, handler);
    };
  },
} satisfies ConsoleBridge;

contextBridge.exposeInMainWorld('launchConsole', bridge);
