/** The emergency stop shortcut: global in the desktop app, in-page in the web host. */
export const EMERGENCY_SHORTCUT = {
  /** Electron accelerator syntax. */
  accelerator: 'CommandOrControl+Shift+E',
  label: 'Ctrl+Shift+E',
} as const;

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

export function isEmergencyShortcut(e: KeyLike): boolean {
  return (e.ctrlKey || e.metaKey) && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'e';
}
