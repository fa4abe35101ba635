import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LaunchClock } from '../../shared/cadence.js';
import { LaunchConfigSchema } from '../../shared/config.js';
import { ConsoleService } from '../../electron/core/console-service.js';
import { confSettings } from '../../electron/core/storage/conf-settings.js';
import { SettingsError } from '../../electron/core/storage/settings-store.js';

/** The launch clock's store in the web host: conf on disk, validated both ways, never silently replaced. */

let dir: string;
const clock: LaunchClock = { t0: '2025-03-04T09:30:00.000Z', setBy: 'Dana', setAt: '2025-03-04T09:31:00.000Z', source: 'operator' };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cadence-settings-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('conf settings', () => {
  it('start empty, and keep T0 on disk for the next start', () => {
    const first = confSettings(dir);
    expect(first.get('launchClock')).toBeNull();
    first.set('launchClock', clock);
    expect(first.get('launchClock')).toEqual(clock);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({ launchClock: clock });
    expect(confSettings(dir).get('launchClock')).toEqual(clock);
  });

  it('refuse a value that does not fit, naming the field, and keep the stored one', () => {
    const settings = confSettings(dir);
    settings.set('launchClock', clock);
    const bad = { ...clock, t0: '2025-03-04 09:30' };
    expect(() => settings.set('launchClock', bad)).toThrow(/setting launchClock refused: t0: must be an ISO timestamp/);
    expect(confSettings(dir).get('launchClock')).toEqual(clock);
  });

  it('stop the console on a damaged file, naming the file and the field, without rewriting it', async () => {
    const path = join(dir, 'settings.json');
    const edited = JSON.stringify({ launchClock: { ...clock, source: 'guess' } });
    writeFileSync(path, edited);
    expect(() => confSettings(dir)).toThrow(SettingsError);
    expect(() => confSettings(dir)).toThrow(`settings file ${path} is invalid (launchClock.source:`);
    const config = LaunchConfigSchema.parse({});
    await expect(ConsoleService.open({ config, dataDir: dir })).rejects.toThrow(/settings file .* is invalid/);
    expect(readFileSync(path, 'utf8')).toBe(edited);

    writeFileSync(path, '{"launchClock": {"t0"');
    expect(() => confSettings(dir)).toThrow(new RegExp(`cannot read settings file ${path}: .*fix or remove it`));
    expect(readFileSync(path, 'utf8')).toBe('{"launchClock": {"t0"');
  });
});
