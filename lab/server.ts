/**
 * startLab: the simulated Oracle estate as an HTTP server (lab/API.md). Used by `orb lab`
 * (the CLI), by lab/run.ts (a process of its own, for tests) and by the bench.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { eventDelivery, stopEventDelivery } from './events/delivery';
import { labHandler } from './http';
import { Lab, type LabSshInfo } from './lab';
import { startSshServer } from './ssh/ssh-server';
import { labLogger, type LabLogger } from './log';
import { isSeedName, type SeedName } from './seeds';

export interface StartLabOptions {
  /** default 127.0.0.1 */
  host?: string;
  /** default 7480; 0 = a random free port */
  port?: number;
  /** JSON state file (default .orb/lab-state.json); reloaded on start unless reset */
  stateFile?: string;
  /** Seed used when there is no state file (or with reset); default 'demo' */
  seed?: SeedName | string;
  /** Simulated seconds per real second (default: the seed's) */
  speed?: number;
  /** Ignore the state file and start from the seed */
  reset?: boolean;
  /** PDBs of the seed's fleet when it is built (lab/fleet-seed.ts); default 0 */
  fleetPdbs?: number;
  logger?: LabLogger;
  /** The SSH server standing for the RAC nodes (lab/RAC.md): its port, default 0 = a free port (GET /ssh tells which) */
  sshPort?: number;
  /** false: no SSH server (GET /ssh answers LAB-404) */
  ssh?: boolean;
}

export interface RunningLab {
  url: string;
  port: number;
  /** The engine itself, for in-process tests that arrange the cloud estate (Lab.cloudControl) */
  lab: Lab;
  /** Where the SSH server listens, with its host key and the client key file (null without SSH) */
  ssh: LabSshInfo | null;
  close(): Promise<void>;
}

export async function startLab(opts: StartLabOptions = {}): Promise<RunningLab> {
  const host = opts.host ?? '127.0.0.1';
  const seed = opts.seed ?? 'demo';
  if (!isSeedName(seed)) throw new Error(`seed: unknown seed ${JSON.stringify(seed)}: use demo or test`);
  if (opts.speed !== undefined && !(opts.speed > 0)) throw new Error('speed: must be a number > 0');
  const log = opts.logger ?? labLogger();
  const lab = new Lab({ stateFile: resolve(opts.stateFile ?? '.orb/lab-state.json'), seed, speed: opts.speed, reset: opts.reset, fleetPdbs: opts.fleetPdbs, logger: log });
  const server: Server = createServer(labHandler(lab, log));
  const delivery = eventDelivery(lab, log); // Notifications delivery (lab/events), resumed for ACTIVE subscriptions
  // createPdbRelocate answers only when its copy ends: no server-side time limit on a request.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5000;
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? 7480, host, () => {
      server.off('error', rej);
      res();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  delivery.baseUrl = url;
  const stateDir = dirname(resolve(opts.stateFile ?? '.orb/lab-state.json'));
  const ssh = opts.ssh === false ? null : await startSsh({ lab, host, port: opts.sshPort ?? 0, stateDir, log }, server);
  lab.sshInfo = ssh?.info ?? null;
  log.info({ url, ssh: ssh ? `${host}:${ssh.info.port}` : null }, 'lab listening');
  let closed = false;
  return {
    url,
    port,
    lab,
    ssh: ssh?.info ?? null,
    close: async () => {
      if (closed) return;
      closed = true;
      stopEventDelivery(lab);
      await ssh?.close();
      lab.close();
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      });
      log.info('lab closed');
    },
  };
}

/** Starts the SSH server; if it cannot listen, the HTTP server is closed and the error thrown. */
async function startSsh(o: Parameters<typeof startSshServer>[0], http: Server): Promise<Awaited<ReturnType<typeof startSshServer>>> {
  try {
    return await startSshServer(o);
  } catch (e) {
    await new Promise<void>((res) => http.close(() => res()));
    stopEventDelivery(o.lab);
    o.lab.close();
    throw new Error(`ssh-port: cannot listen on ${o.host}:${o.port}: ${(e as Error).message}`);
  }
}
