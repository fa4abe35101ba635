import type { WebPreferences } from 'electron';

/** The desktop shell's security settings, kept apart from main.ts so tests can read them. */

export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** An IPC call is answered only when it comes from the app's own page in its top frame. */
export function isTrustedSender(frameUrl: string | undefined, isTopFrame: boolean): boolean {
  if (!frameUrl || !isTopFrame) return false;
  try {
    const url = new URL(frameUrl);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Navigation away from the app's own pages is refused; so is every new window. */
export function isAllowedNavigation(targetUrl: string): boolean {
  return isTrustedSender(targetUrl, true);
}
