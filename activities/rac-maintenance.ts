/**
 * The activities of a rolling RAC maintenance: read the cluster's database, instances and services through
 * srvctl (over SSH, activities/srvctl), run one srvctl command of an instance's turn (common/rac/instance-steps.ts
 * builds them, so `orb plan` shows the very commands), and watch sessions leave an instance and come back to
 * it (GV$SESSION, one heartbeating activity each: activities/session-watch.ts).
 */
import type { EstateConfig } from '../common/estate-config';
import type { SrvctlCommand } from '../common/srvctl/commands';
import { parseDatabaseConfig, parseServiceConfig } from '../common/srvctl/config-parsers';
import { parseInstanceStatus, parseServiceStatus } from '../common/srvctl/status-parsers';
import type { RacFacts } from '../common/rac/rac-facts';
import type { CdbPort } from './oracle/port';
import { srvctlExecutorFor } from './srvctl/srvctl-target';
import { srvctlQuery, srvctlStep } from './srvctl/srvctl-step';
import { countSessionsLeft, watchSessions, watchUntil, type SessionsLeft } from './session-watch';

export interface SessionWatch {
  cdb: string;
  instance: string;
  services: string[];
  deadlineMs: number;
  pollMs: number;
}

/** The instance's share of the services' sessions, 0..1 (0 when there are none). */
export function shareOf(l: SessionsLeft, instance: string): number {
  const here = Object.entries(l.perInstance).filter(([i]) => i.toUpperCase() === instance.toUpperCase()).reduce((n, [, c]) => n + c, 0);
  return l.total > 0 ? here / l.total : 0;
}

export function racActivities(estate: EstateConfig, openPort: (cdb: string) => CdbPort) {
  const executor = (cdb: string) => srvctlExecutorFor(estate, cdb);
  return {
    /** srvctl config/status of the database and its services (read-only). */
    async readRac(a: { cdb: string }): Promise<RacFacts> {
      const ex = await executor(a.cdb);
      const db = ex.target.db;
      const config = await srvctlQuery(ex, { kind: 'config-database', db }, `read ${db}'s configuration`, parseDatabaseConfig);
      const status = await srvctlQuery(ex, { kind: 'status-database', db }, `read ${db}'s instances`, parseInstanceStatus);
      const services = await srvctlQuery(ex, { kind: 'config-service', db }, `read ${db}'s services`, parseServiceConfig);
      const running = await srvctlQuery(ex, { kind: 'status-service', db }, `read where ${db}'s services run`, parseServiceStatus);
      return {
        db,
        instances: config.instances.map((name, i) => {
          const s = status.find((x) => x.instance.toUpperCase() === name.toUpperCase());
          return { name, node: s?.node ?? config.nodes[i] ?? '?', running: s?.running ?? false };
        }),
        services: services.map((s) => ({
          name: s.name,
          pdb: s.pdb,
          preferred: s.preferredInstances,
          available: s.availableInstances,
          runningOn: running.find((r) => r.service.toUpperCase() === s.name.toUpperCase())?.instances ?? [],
          disabledOn: s.disabledInstances,
        })),
      };
    },

    /** The command lines the run would send, through the run's own builder and the estate's srvctl path (for orb plan). */
    async srvctlCommandLines(a: { cdb: string; commands: SrvctlCommand[] }): Promise<string[]> {
      const ex = await executor(a.cdb);
      return a.commands.map((c) => ex.commandLine(c));
    },

    /** One srvctl command; "already so" counts as done (the retry of a step that had been made). */
    async runSrvctl(a: { cdb: string; command: SrvctlCommand; what: string }): Promise<{ outcome: string; commandLine: string; node: string }> {
      const ex = await executor(a.cdb);
      const c = a.command;
      if (c.kind === 'relocate-service') {
        // srvctl never says "already relocated": a retry whose first attempt moved it finds it there.
        const now = await srvctlQuery(ex, { kind: 'status-service', db: c.db, service: c.service }, `read where ${c.service} runs`, parseServiceStatus);
        const on = now.find((s) => s.service.toUpperCase() === c.service.toUpperCase())?.instances ?? [];
        const upper = on.map((i) => i.toUpperCase());
        if (upper.includes(c.newInstance.toUpperCase()) && !upper.includes(c.oldInstance.toUpperCase())) {
          return { outcome: 'already-done', commandLine: ex.commandLine(c), node: '-' };
        }
      }
      const r = await srvctlStep(ex, c, a.what);
      return { outcome: r.outcome, commandLine: r.result.commandLine, node: r.result.node };
    },

    /** Watches the services' sessions leave the instance (none left, or the deadline). */
    async awaitInstanceSessionsGone(a: SessionWatch): Promise<SessionsLeft> {
      const port = openPort(a.cdb);
      return watchSessions(() => countSessionsLeft(port, { services: a.services, instance: a.instance }), a.services, a.deadlineMs, a.pollMs);
    },

    /** One reading of the services' sessions per instance, as a sample of the run's series (between two watches). */
    async readSessions(a: { cdb: string; services: string[] }): Promise<[number, Record<string, number>]> {
      const l = await countSessionsLeft(openPort(a.cdb), { services: a.services });
      return [Date.now(), l.perInstance];
    },

    /** Watches the pools rebalance onto the instance: its share of the services' sessions reaches `share`, or the deadline. */
    async awaitRebalance(a: SessionWatch & { share: number }): Promise<SessionsLeft & { share: number }> {
      const port = openPort(a.cdb);
      const l = await watchUntil(() => countSessionsLeft(port, { services: a.services }), {
        deadlineMs: a.deadlineMs,
        pollMs: a.pollMs,
        done: (x) => shareOf(x, a.instance) >= a.share,
        beat: (x) => ({ rebalancing: a.instance, share: Math.round(shareOf(x, a.instance) * 100), services: a.services, perInstance: x.perInstance }),
      });
      return { ...l, share: shareOf(l, a.instance) };
    },
  };
}
