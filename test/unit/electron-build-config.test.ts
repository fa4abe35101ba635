import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The fuses electron-builder flips in the packaged Electron binary. There is no binary here to
 * read them back from, so the configuration itself is checked, against the option names of the
 * installed electron-builder (a misspelt fuse would be ignored without a word).
 */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  build: { electronFuses?: Record<string, unknown>; files: string[]; asar?: boolean };
};
const builderTypes = readFileSync(new URL('../../node_modules/app-builder-lib/out/configuration.d.ts', import.meta.url), 'utf8');

function fuseOptionNames(): string[] {
  const body = /export interface FuseOptionsV1 \{([\s\S]*?)\n\}/.exec(builderTypes)?.[1] ?? '';
  return [...body.matchAll(/^\s+(\w+)\?:/gm)].map((m) => m[1] ?? '');
}

describe('packaged desktop app', () => {
  it('turns off running as Node, NODE_OPTIONS and inspector flags; turns on cookie encryption and ASAR integrity', () => {
    expect(pkg.build.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('names only fuses the installed electron-builder knows', () => {
    const known = fuseOptionNames();
    expect(known).toContain('runAsNode');
    for (const name of Object.keys(pkg.build.electronFuses ?? {})) expect(known).toContain(name);
  });

  it('packs the app into an ASAR archive, which the integrity fuses check', () => {
    expect(pkg.build.asar).not.toBe(false);
    expect(pkg.build.files).toEqual(['dist/**', 'package.json']);
  });
});
