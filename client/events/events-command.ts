/**
 * `orb events`: receive OCI events about Autonomous Data Guard role changes and start the
 * propagate-wallet runbook, exactly once per event.
 */
import { Command, Option } from 'commander';
import type { EstateConfig } from '../../common/estate-config';
import { connectClient, type TemporalSettings } from '../connection';
import { findDatabaseInEstate } from './estate-databases';
import type { FindDatabase } from './event-handler';
import { eventsPlan, LAB_STREAM_ID, type EventsOptions } from './events-options';
import { temporalStartPropagation } from './start-propagation';

export interface EventsCommandDeps {
  /** The estate (--estate, $ORB_ESTATE, ./orb.estate.json) and whether it is the embedded lab default */
  estateOf(): { estate: EstateConfig; isDefault: boolean };
  settings(): TemporalSettings;
  taskQueue(): string;
  out(line: string): void;
  /** How an event's OCID names a database of the estate (default: estate-databases.ts) */
  findDatabaseFor?(estate: EstateConfig): FindDatabase;
}

const HELP = `
What it does:
  Listens for OCI events and, for each Autonomous Data Guard role change that FINISHED on a database
  of the estate (autonomousDatabases), starts the propagate-wallet runbook:
    com.oraclecloud.databaseservice.switchoverautonomousdatabase.end
    com.oraclecloud.databaseservice.failoverautonomousdatabase.end
    com.oraclecloud.databaseservice.autonomous.database.critical  (additionalDetails.eventName AutomaticFailoverEnd)
  Ignored, with a log line: the .begin events (and AutomaticFailoverBegin), every other event type,
  events about a database the estate does not know, and events about a database an orb switchover
  or failover is changing (that run propagates the wallet itself). A propagation finding another
  run on its database waits for it (up to 6 h), then reads the estate afresh.

Exactly once per event:
  The run's workflow id is propagate-wallet:event:<eventID>, started with REJECT_DUPLICATE: an event
  delivered twice, read again after a restart, or received by several orb events processes starts
  one run (the others log decision=duplicate). Recent event ids are also remembered in memory.

Two ways in (either or both):
  --notifications <host:port>  an HTTPS endpoint for an OCI Notifications subscription (protocol HTTPS,
      custom URL https://<host>/<path>?token=<token>) on the topic an Events rule sends to. The
      subscription confirmation is fetched only from https *.oraclecloud.com or an --allow-confirm-host.
      Needs --tls-cert and --tls-key (OCI requires a CA-signed certificate), or --insecure-http for
      tests and behind a TLS-terminating proxy. Needs --token-file too: the subscription URL carries
      the token, and a POST without it gets 401. --no-token turns that off (only where something in
      front authenticates the poster): orb events then warns at start that anyone can start runs.
  --stream <ocid> --stream-endpoint <url>  poll an OCI stream an Events rule writes to (no inbound
      port): consumer group --stream-group with commit-on-get; the endpoint is the stream pool's
      messages endpoint. Authenticates with --oci-auth (default: ~/.oci/config, profile DEFAULT).

Lab default:
  With the embedded lab estate (no --estate, $ORB_ESTATE or ./orb.estate.json) and no --notifications,
  orb events reads the lab's stream ${LAB_STREAM_ID} at <lab url>/oci/us-ashburn-1
  with a throw-away signing key, and the lab's host is an allowed confirmation host.

Logs: pino JSON lines (ORB_LOG_FORMAT=json) with eventId, eventType, resourceId and decision
  (started | duplicate | ignored-unknown-database | ignored-event-type | ignored-orb-role-change).
`;

function collect(value: string, prev: string[] = []): string[] {
  return [...prev, value];
}

export function eventsCommand(deps: EventsCommandDeps): Command {
  return new Command('events')
    .description(
      'start propagate-wallet for each Autonomous Data Guard role change OCI reports ' +
        '(Notifications HTTPS and/or Streaming), once per event',
    )
    .option('--notifications <host:port>', 'serve an OCI Notifications HTTPS endpoint here (e.g. 0.0.0.0:8443)')
    .option('--path <path>', 'URL path of the endpoint', '/oci/notifications')
    .option('--tls-cert <file>', 'PEM certificate (chain) of the endpoint')
    .option('--tls-key <file>', 'PEM private key of the endpoint')
    .option('--insecure-http', 'plain http instead of https: for tests, or behind a TLS-terminating proxy', false)
    .option('--token-file <file>', 'shared secret the subscription URL carries as ?token=... (required with --notifications); others get 401')
    .option('--no-token', 'INSECURE: accept notifications without a token: anyone who can reach the endpoint starts runs')
    .option('--allow-confirm-host <host[:port]>', 'also fetch subscription confirmations from here (repeatable)', collect, [])
    .option('--stream <ocid>', `OCI stream to poll (lab default: ${LAB_STREAM_ID})`)
    .option('--stream-endpoint <url>', "the stream pool's messages endpoint (lab default: <lab url>/oci/us-ashburn-1)")
    .option('--stream-group <name>', 'consumer group (one committed position per group)', 'orb-events')
    .option('--stream-instance <name>', 'instance name in the group (default <hostname>-<pid>)')
    .addOption(
      new Option('--stream-start <where>', 'where a NEW group starts').choices(['trim-horizon', 'latest']).default('trim-horizon'),
    )
    .option('--poll-interval <duration>', 'pause when the stream has nothing new', '1s')
    .addOption(
      new Option('--oci-auth <type>', 'OCI authentication for the stream')
        .choices(['config-file', 'instance-principal', 'resource-principal'])
        .default('config-file'),
    )
    .option('--oci-config <file>', 'OCI config file (default ~/.oci/config)')
    .option('--oci-profile <name>', 'profile in the OCI config file (default DEFAULT)')
    .addHelpText('after', HELP)
    .action(async (o: EventsOptions) => {
      const { estate, isDefault } = deps.estateOf();
      const plan = eventsPlan(o, estate, isDefault); // every rule checked before anything is contacted
      const findDatabase = (deps.findDatabaseFor ?? findDatabaseInEstate)(estate);
      const s = deps.settings();
      // Loaded here so that other commands do not load the OCI SDK and pino.
      const [{ runEvents }, { createLogger }] = await Promise.all([import('./run-events'), import('../../worker/logger')]);
      const { client, connection } = await connectClient(s);
      try {
        const startPropagation = temporalStartPropagation(client, deps.taskQueue(), estate);
        await runEvents(plan, { findDatabase, startPropagation, logger: createLogger('orb-events'), out: deps.out });
      } finally {
        await connection.close().catch(() => undefined);
      }
    });
}
