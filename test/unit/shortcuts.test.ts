import { describe, expect, it } from 'vitest';
import { emergencyShortcutAria, emergencyShortcutLabel, isEmergencyShortcut, isMacPlatform } from '../../shared/shortcuts.js';

describe('emergency shortcut labels', () => {
  it('spell the keys as the operator keyboard shows them', () => {
    expect(emergencyShortcutLabel(true)).toBe('⌘⇧E');
    expect(emergencyShortcutLabel(false)).toBe('Ctrl+Shift+E');
    expect(emergencyShortcutAria(true)).toBe('Meta+Shift+E');
    expect(emergencyShortcutAria(false)).toBe('Control+Shift+E');
  });

  it('recognise a Mac from the browser or Node platform names', () => {
    expect(isMacPlatform('MacIntel')).toBe(true);
    expect(isMacPlatform('macOS')).toBe(true);
    expect(isMacPlatform('darwin')).toBe(true);
    expect(isMacPlatform('Win32')).toBe(false);
    expect(isMacPlatform('Linux x86_64')).toBe(false);
    expect(isMacPlatform(undefined)).toBe(false);
  });

  it('fire on Command or Control with Shift+E, not with Alt', () => {
    const key = { key: 'E', ctrlKey: false, metaKey: true, shiftKey: true, altKey: false };
    expect(isEmergencyShortcut(key)).toBe(true);
    expect(isEmergencyShortcut({ ...key, metaKey: false, ctrlKey: true })).toBe(true);
    expect(isEmergencyShortcut({ ...key, altKey: true })).toBe(false);
  });
});
