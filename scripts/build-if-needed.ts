import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = ['renderer', 'shared', 'electron', 'vite.renderer.config.ts', 'vite.electron.config.ts', 'package.json'];
const OUTPUTS = ['dist/renderer/index.html', 'dist/electron/main.js', 'dist/electron/preload.cjs'];

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(path).reduce((m, name) => Math.max(m, newestMtime(join(path, name))), 0);
}

/** Builds when an output is missing or older than any source it comes from. */
export function buildIfNeeded(root: string): void {
  const outputs = OUTPUTS.map((o) => join(root, o));
  const built = outputs.every((o) => existsSync(o));
  if (built) {
    const oldestOutput = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
    const newestSource = Math.max(...SOURCES.map((s) => join(root, s)).filter(existsSync).map(newestMtime));
    if (newestSource <= oldestOutput) return;
  }
  process.stdout.write('Building the console…\n');
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the build failed; see the messages above');
}
