/** The emergency stop shortcut: global in the desktop app, in-page in the web host. */
export const EMERGENCY_SHORTCUT = {
  /** Electron accelerator syntax: Command on macOS, Control elsewhere. */
  accelerator: 'CommandOrControl+Shift+E',
} as const;

/**
 * The shortcut as the operator's keyboard spells it: a Mac user in an emergency looks for ⌘, not
 * Ctrl. `mac` comes from process.platform in the main process and from the browser in the page.
 */
export function emergencyShortcutLabel(mac: boolean): string {
  return mac ? '⌘⇧E' : 'Ctrl+Shift+E';
}

/** The same keys for aria-keyshortcuts, which names modifiers by their key values. */
export function emergencyShortcutAria(mac: boolean): string {
  return mac ? 'Meta+Shift+E' : 'Control+Shift+E';
}

/** Whether a browser's platform string names a Mac (navigator.userAgentData or navigator.platform). */
export function isMacPlatform(platform: string | undefined): boolean {
  return /^mac|darwin/i.test(platform ?? '');
}

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
