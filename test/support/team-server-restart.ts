import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsoleServer, type ConsoleServer, type ConsoleServerOptions } from '../../electron/server/console-server.js';
import type { TeamFixture } from './team-server.js';

/**
 * The team server of a fixture stopped (as a crash or a cut cable would take it away from the
 * desks) and started again on the same database, configuration and port, so a desk that kept
 * the address finds it there again.
 */
export class RestartableTeamServer {
  private current: ConsoleServer | null;
  private readonly rendererDir: string;
  readonly port: number;

  constructor(
    private readonly fixture: TeamFixture,
    private readonly server: Partial<ConsoleServerOptions> = {},
  ) {
    this.current = fixture.server;
    this.port = fixture.server.port;
    this.rendererDir = mkdtempSync(join(tmpdir(), 'lc-team-restart-'));
    mkdirSync(join(this.rendererDir, 'renderer'));
    writeFileSync(join(this.rendererDir, 'renderer', 'index.html'), '<!doctype html><div id="root"></div>');
  }

  /** The server now running; throws while it is cut. */
  get running(): ConsoleServer {
    if (!this.current) throw new Error('the team server is cut');
    return this.current;
  }

  /** Stops the server: every window is dropped, the port is closed. */
  async cut(): Promise<void> {
    const s = this.current;
    this.current = null;
    await s?.close();
  }

  /** Starts the server again on the same database and port. */
  async restart(): Promise<ConsoleServer> {
    if (this.current) throw new Error('the team server is running');
    this.current = await startConsoleServer({
      config: this.fixture.config,
      databaseUrl: this.fixture.databaseUrl,
      rendererDir: join(this.rendererDir, 'renderer'),
      pushIntervalMs: 100,
      ...this.server,
      port: this.port,
    });
    return this.current;
  }

  async close(): Promise<void> {
    await this.current?.close();
    this.current = null;
    rmSync(this.rendererDir, { recursive: true, force: true });
  }
}
