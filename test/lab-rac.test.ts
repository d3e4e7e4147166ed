/**
 * The lab's RAC databases driven over SSH with srvctl (an ssh2 Client, as an executor would):
 * a rolling stop / start of each instance with services relocated or stopped without -force and
 * the pools draining (the 50:50 → 100:0 → 50:50 shape), a 3-instance cluster, srvctl's errors,
 * faults, the oplog, FAN events and the invariants.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { labCdb } from '../activities/oracle/lab-cdb';
import { labApi } from './helpers/orb-env';
import { startLabProcess, type LabProcess } from './helpers/lab-process';
import { srvctl, sshInfo, type SshInfo } from './helpers/lab-ssh';
import { until } from './helpers/until';

type Api = ReturnType<typeof labApi>;

/** The shape of a service's connections over two instances, point by point, consecutive repeats merged. */
function shapes(points: { services: Record<string, Record<string, number>> }[], svc: string, a: string, b: string, total: number): string[] {
  const out: string[] = [];
  for (const p of points) {
    const row = p.services[svc] ?? {};
    const [x, y] = [row[a] ?? 0, row[b] ?? 0];
    if (x + y !== total) continue;
    const shape = Math.abs(x - y) <= 1 ? 'balanced' : x === 0 ? `all on ${b}` : y === 0 ? `all on ${a}` : null;
    if (shape && out[out.length - 1] !== shape) out.push(shape);
  }
  return out;
}

function isSubsequence(want: string[], got: string[]): boolean {
  let k = 0;
  for (const g of got) if (g === want[k]) k++;
  return k === want.length;
}

describe('lab RAC over SSH: srvctl semantics, pools, FAN, invariants', () => {
  let lab: LabProcess;
  let api: Api;
  let ssh: SshInfo;
  const ok = async (cdb: string, args: string) => {
    const r = await srvctl(ssh, cdb, args);
    assert.equal(r.code, 0, `srvctl ${args}: exit ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  const fails = async (cdb: string, args: string, code: string) => {
    const r = await srvctl(ssh, cdb, args);
    assert.equal(r.code, 1, `srvctl ${args} should fail with ${code}: ${r.stdout}`);
    assert.match(r.stdout, new RegExp(`^${code} `), `srvctl ${args}`);
    return r.stdout;
  };
  const pool = async (cdb: string, name: string) => ((await api.rac(cdb)).pools as { name: string; byInstance: Record<string, number> }[]).find((p) => p.name === name)!;
  const rebalanced = (cdb: string, name: string, want: Record<string, number>) =>
    until(`${name} rebalanced to ${JSON.stringify(want)}`, () => pool(cdb, name), (p) => JSON.stringify(p.byInstance) === JSON.stringify(want));

  before(async () => {
    lab = await startLabProcess({ seed: 'test' });
    api = labApi(lab.url);
    ssh = await sshInfo(lab.url);
  });
  after(async () => {
    await lab?.stop();
  });
  beforeEach(async () => {
    await api.clearFaults();
    await api.reset('test');
  });

  test('the seed: RACCDB runs its services on their preferred instances, pools spread, GV$SESSION counts the pool connections', async () => {
    assert.equal(await ok('RACCDB', 'status database -db raccdb'), 'Instance raccdb1 is running on node racnode1\nInstance raccdb2 is running on node racnode2\n');
    const status = await ok('RACCDB', 'status service -db raccdb');
    assert.match(status, /^Service ORDERS_UNI is running on instance\(s\) raccdb1,raccdb2$/m);
    assert.match(status, /^Service BILLING_SGL is running on instance\(s\) raccdb1$/m);
    assert.match(status, /^Service REPORTS_TAF is running on instance\(s\) raccdb2$/m);
    const config = await ok('RACCDB', 'config service -db raccdb -service BILLING_SGL');
    for (const line of ['Service name: BILLING_SGL', 'Cardinality: 1', 'Failover type: AUTO', 'Failover restore: AUTO', 'Commit Outcome: true',
      'AQ HA notifications: true', 'Drain timeout: 10 seconds', 'Stop option: immediate', 'Service is enabled', 'Preferred instances: raccdb1',
      'Available instances: raccdb2', 'Pluggable database name: OLTP', 'Retention: 86400 seconds']) {
      assert.ok(config.split('\n').includes(line), `config service lacks "${line}":\n${config}`);
    }
    assert.ok((await ok('RACCDB', 'config service -db raccdb -service LEGACY_SVC')).split('\n').includes('Drain timeout:'));
    assert.match(await ok('RACCDB', 'config database -db raccdb'), /^Database instances: raccdb1,raccdb2$/m);
    assert.equal(await ok('RACCDB', 'config database'), 'raccdb\ntricdb\n');
    assert.equal(await ok('RACCDB', '-version'), 'srvctl version: 19.0.0.0.0\n');
    assert.deepEqual((await pool('RACCDB', 'orders-ucp')).byInstance, { raccdb1: 5, raccdb2: 5 });
    assert.deepEqual((await pool('TRICDB', 'ledger-ucp')).byInstance, { tricdb1: 3, tricdb2: 3, tricdb3: 3 });
    const counts = await labCdb(lab.url, 'RACCDB').countSessions('ORDERS_UNI');
    assert.deepEqual(counts, [{ instance: 'raccdb1', count: 5 }, { instance: 'raccdb2', count: 5 }]);
    assert.deepEqual((await api.invariants(true)).violations, []);
  });

  test('rolling maintenance of RACCDB: services leave each instance without -force, pools drain and come back (50:50 → 100:0 → 50:50)', async () => {
    const startSeq = (await api.oplog()).length;
    const others = (i: string) => (i === 'raccdb1' ? 'raccdb2' : 'raccdb1');
    for (const inst of ['raccdb1', 'raccdb2']) {
      const other = others(inst);
      const singleton = inst === 'raccdb1' ? 'BILLING_SGL' : 'REPORTS_TAF';
      await ok('RACCDB', `relocate service -db raccdb -service ${singleton} -oldinst ${inst} -newinst ${other}`);
      await ok('RACCDB', `stop service -db raccdb -service ORDERS_UNI -instance ${inst} -drain_timeout 10 -stopoption TRANSACTIONAL`);
      await ok('RACCDB', `stop service -db raccdb -service "BATCH_AC,LEGACY_SVC" -instance ${inst} -drain_timeout 5 -stopoption IMMEDIATE`);
      // The drain is over when the commands answer: no session of those services is left there.
      const left = await labCdb(lab.url, 'RACCDB').countSessions('ORDERS_UNI');
      assert.deepEqual(left, [{ instance: other, count: 10 }]);
      await ok('RACCDB', `disable service -db raccdb -service "ORDERS_UNI,BATCH_AC,LEGACY_SVC" -instance ${inst}`);
      assert.deepEqual((await api.invariants(false)).violations, [], 'no service is down on every instance during the run');
      await ok('RACCDB', `stop instance -db raccdb -instance ${inst} -stopoption immediate`);
      await ok('RACCDB', `disable instance -db raccdb -instance ${inst}`);
      assert.equal(await ok('RACCDB', `status instance -db raccdb -instance ${inst}`), `Instance ${inst} is not running on node racnode${inst.slice(-1)}\n`);
      // ... the maintenance itself ...
      await ok('RACCDB', `enable instance -db raccdb -instance ${inst}`);
      await ok('RACCDB', `start instance -db raccdb -instance ${inst}`);
      assert.match(await ok('RACCDB', 'status service -db raccdb -service ORDERS_UNI'), new RegExp(`running on instance\\(s\\) ${other}\\n`), 'disabled there: not restarted with the instance');
      await ok('RACCDB', `enable service -db raccdb -service "ORDERS_UNI,BATCH_AC,LEGACY_SVC" -instance ${inst}`);
      await ok('RACCDB', `start service -db raccdb -service "ORDERS_UNI,BATCH_AC,LEGACY_SVC" -instance ${inst}`);
      await ok('RACCDB', `relocate service -db raccdb -service ${singleton} -oldinst ${other} -newinst ${inst}`);
      await rebalanced('RACCDB', 'orders-ucp', { raccdb1: 5, raccdb2: 5 });
    }
    const series = await api.racSessions('RACCDB');
    const seen = shapes(series.points, 'ORDERS_UNI', 'raccdb1', 'raccdb2', 10);
    assert.ok(
      isSubsequence(['balanced', 'all on raccdb2', 'balanced', 'all on raccdb1', 'balanced'], seen),
      `ORDERS_UNI per instance went ${seen.join(' → ')}`,
    );
    // FAN: planned DOWN with the drain timeout, UP, the instance events; all reason USER.
    const fan = (await api.fan('RACCDB')).events;
    const down = fan.find((e) => e.type === 'SERVICEMEMBER' && e.service === 'ORDERS_UNI' && e.status === 'down');
    assert.ok(down && down.reason === 'USER' && down.drainTimeout === 10, JSON.stringify(down));
    assert.match(down.text, /^VERSION=1\.0 event_type=SERVICEMEMBER service=orders_uni instance=raccdb1 database=raccdb host=racnode1 status=down reason=USER drain_timeout=10 /);
    for (const [inst, status] of [['raccdb1', 'down'], ['raccdb1', 'up'], ['raccdb2', 'down'], ['raccdb2', 'up']]) {
      assert.ok(fan.some((e) => e.type === 'INSTANCE' && e.instance === inst && e.status === status && e.reason === 'USER'), `INSTANCE ${inst} ${status}`);
    }
    // Every mutating command is in the oplog, answered ok, with its parsed options.
    const entries = (await api.oplog()).slice(startSeq).filter((e) => e.op === 'srvctl');
    assert.equal(entries.length, 2 * 11);
    assert.ok(entries.every((e) => e.outcome === 'ok' && e.cdb === 'RACCDB'), JSON.stringify(entries.filter((e) => e.outcome !== 'ok')));
    const stop = entries.find((e) => e.args.command === 'stop instance')!;
    assert.deepEqual(stop.args.options, { db: 'raccdb', instance: ['raccdb1'], stopoption: 'IMMEDIATE' });
    const inv = await api.invariants(true);
    assert.deepEqual(inv.violations, [], 'every instance running and enabled, every service back on its preferred instances');
  });

  test('a 3-instance cluster: one instance leaves and comes back, the others carry its connections', async () => {
    await ok('TRICDB', 'relocate service -db tricdb -service LEDGER_SGL -oldinst tricdb2 -newinst tricdb3');
    await ok('TRICDB', 'stop service -db tricdb -service LEDGER_UNI -instance tricdb2');
    const p = await pool('TRICDB', 'ledger-ucp');
    assert.equal(p.byInstance.tricdb2, 0);
    assert.equal(p.byInstance.tricdb1! + p.byInstance.tricdb3!, 9);
    assert.ok(Math.abs(p.byInstance.tricdb1! - p.byInstance.tricdb3!) <= 1, JSON.stringify(p.byInstance));
    await ok('TRICDB', 'stop instance -db tricdb -instance tricdb2 -stopoption immediate');
    assert.deepEqual((await api.invariants(false)).violations, []);
    await ok('TRICDB', 'start instance -db tricdb -instance tricdb2');
    await ok('TRICDB', 'start service -db tricdb -service LEDGER_UNI -instance tricdb2');
    await ok('TRICDB', 'relocate service -db tricdb -service LEDGER_SGL -oldinst tricdb3 -newinst tricdb2');
    await rebalanced('TRICDB', 'ledger-ucp', { tricdb1: 3, tricdb2: 3, tricdb3: 3 });
    assert.deepEqual((await api.invariants(true)).violations, []);
  });

  test("srvctl's errors: already running / stopped, unknown names, invalid options, disabled, TRANSACTIONAL without drain", async () => {
    const before = (await api.oplog()).length;
    await fails('RACCDB', 'start service -db raccdb -service ORDERS_UNI', 'PRCC-1014');
    const out = await fails('RACCDB', 'start service -db raccdb -service BILLING_SGL -instance raccdb1', 'PRCC-1015');
    assert.match(out, /^CRS-5702: Resource 'ora\.raccdb\.billing_sgl\.svc' is already running on 'racnode1'$/m);
    await fails('RACCDB', 'stop service -db raccdb -service BILLING_SGL -instance raccdb2', 'PRCC-1017');
    await ok('RACCDB', 'stop service -db raccdb -service LEGACY_SVC -force');
    assert.equal(await fails('RACCDB', 'stop service -db raccdb -service LEGACY_SVC', 'PRCC-1016'),
      'PRCC-1016 : LEGACY_SVC was already stopped\nPRCR-1005 : Resource ora.raccdb.legacy_svc.svc is already stopped\n');
    await fails('RACCDB', 'start instance -db raccdb -instance raccdb1', 'PRCC-1015');
    await ok('RACCDB', 'stop instance -db raccdb -instance raccdb2 -stopoption immediate -force');
    await fails('RACCDB', 'stop instance -db raccdb -instance raccdb2', 'PRCC-1017');
    await fails('RACCDB', 'stop service -db raccdb -service NOPE', 'PRKO-2017');
    await fails('RACCDB', 'stop instance -db raccdb -instance raccdb9', 'PRKO-2007');
    assert.equal(await fails('RACCDB', 'status service -db nodb', 'PRCD-1120'),
      'PRCD-1120 : The resource for database nodb could not be found.\nPRCR-1001 : Resource ora.nodb.db does not exist\n');
    assert.equal(await fails('RACCDB', 'stop service -db raccdb -service ORDERS_UNI -nowait', 'PRKO-2002'), 'PRKO-2002 : Invalid command line option: -nowait\n');
    await fails('RACCDB', 'stop service -db raccdb -service ORDERS_UNI -stopoption SOON', 'PRKO-2001');
    await fails('RACCDB', 'stop service -service ORDERS_UNI', 'PRKO-2001');
    await fails('RACCDB', 'stop service -db raccdb -service ORDERS_UNI -failover', 'PRKO-2001');
    await fails('RACCDB', 'relocate service -db raccdb -service ORDERS_UNI -oldinst raccdb1', 'PRKO-2001');
    await fails('RACCDB', 'stop listner -db raccdb', 'PRKO-2011');
    await fails('RACCDB', 'stop service -db raccdb -service ORDERS_UNI -instance raccdb1 -stopoption TRANSACTIONAL -drain_timeout 0', 'PRCD-1396');
    await ok('RACCDB', 'disable service -db raccdb -service BATCH_AC');
    await fails('RACCDB', 'disable service -db raccdb -service BATCH_AC', 'PRCC-1012');
    await ok('RACCDB', 'stop service -db raccdb -service BATCH_AC -instance raccdb1 -force');
    const disabled = await fails('RACCDB', 'start service -db raccdb -service BATCH_AC -instance raccdb1', 'PRCD-1133');
    assert.match(disabled, /^CRS-2501: Resource 'ora\.raccdb\.batch_ac\.svc' is disabled$/m);
    await fails('RACCDB', 'relocate service -db raccdb -service ORDERS_UNI -oldinst raccdb2 -newinst raccdb1', 'PRCR-1090');
    // Refused mutating commands are in the oplog with srvctl's error; reads are not.
    const entries = (await api.oplog()).slice(before);
    assert.ok(entries.every((e) => e.op === 'srvctl'));
    assert.equal(entries.filter((e) => e.outcome === 'ok').length, 4);
    const refused = entries.filter((e) => e.outcome === 'error').map((e) => e.error!.code);
    for (const code of ['PRCC-1014', 'PRCC-1015', 'PRCC-1016', 'PRCC-1017', 'PRKO-2017', 'PRKO-2007', 'PRKO-2002', 'PRKO-2001', 'PRKO-2011', 'PRCD-1396', 'PRCD-1133']) {
      assert.ok(refused.includes(code), `oplog has no refused srvctl with ${code}: ${refused.join(', ')}`);
    }
    assert.ok(!entries.some((e) => /^status /.test(String(e.args.command))), 'status commands are reads');
  });

  test('modify service changes what srvctl config and DBA_SERVICES show', async () => {
    await ok('RACCDB', 'modify service -db raccdb -service LEGACY_SVC -failovertype TRANSACTION -commit_outcome TRUE -failover_restore LEVEL1 -notification TRUE -drain_timeout 30 -stopoption TRANSACTIONAL -retention 86400 -replay_init_time 600 -failoverretry 30 -failoverdelay 10 -session_state DYNAMIC');
    const config = (await ok('RACCDB', 'config service -db raccdb -service LEGACY_SVC')).split('\n');
    for (const line of ['Failover type: TRANSACTION', 'Commit Outcome: true', 'Failover restore: LEVEL1', 'AQ HA notifications: true',
      'Drain timeout: 30 seconds', 'Stop option: transactional', 'Replay Initiation Time: 600 seconds', 'Failover retries: 30']) {
      assert.ok(config.includes(line), `after modify, config service lacks "${line}"`);
    }
    const svc = (await labCdb(lab.url, 'RACCDB').listServices('OLTP')).find((s) => s.name === 'LEGACY_SVC')!;
    assert.deepEqual([svc.failoverType, svc.commitOutcome, svc.failoverRestore, svc.aqHaNotifications, svc.drainTimeout, svc.stopOption],
      ['TRANSACTION', true, 'LEVEL1', true, 30, 'TRANSACTIONAL']);
    await fails('RACCDB', 'modify service -db raccdb -service LEGACY_SVC -drain_timeout 0', 'PRCD-1396');
    await fails('RACCDB', 'modify service -db raccdb -service LEGACY_SVC', 'PRKO-2001');
    const entry = (await api.oplog()).filter((e) => e.op === 'srvctl').at(-3)!;
    assert.equal(entry.args.command, 'modify service');
    assert.equal(entry.args.options.failovertype, 'TRANSACTION');
  });

  test('faults: the next start instance fails with a CRS error, then works; a hanging stop service never answers until its client gives up', async () => {
    await ok('RACCDB', 'stop instance -db raccdb -instance raccdb2 -stopoption immediate');
    const { id } = await api.srvctlFault({ srvctl: 'start instance', cdb: 'RACCDB', object: 'raccdb2', kind: 'transient', code: 'CRS-2674' });
    assert.equal(await fails('RACCDB', 'start instance -db raccdb -instance raccdb2', 'PRCR-1013'),
      "PRCR-1013 : Failed to start resource ora.raccdb.db\nPRCR-1064 : Failed to start resource ora.raccdb.db on node racnode2\nCRS-2674: Start of 'ora.raccdb.db' on 'racnode2' failed\n");
    assert.match(await ok('RACCDB', 'status instance -db raccdb -instance raccdb2'), /is not running/);
    const failed = (await api.oplog()).filter((e) => e.op === 'srvctl').at(-1)!;
    assert.deepEqual([failed.outcome, failed.error!.code, (failed as { faultId?: number }).faultId], ['error', 'PRCR-1013', id]);
    await ok('RACCDB', 'start instance -db raccdb -instance raccdb2');

    await api.srvctlFault({ srvctl: 'stop service', cdb: 'RACCDB', kind: 'permanent', hang: true, when: 'after', times: 1 });
    const { connect, execOn } = await import('./helpers/lab-ssh');
    const client = await connect(ssh);
    let answered = false;
    const running = execOn(client, `${ssh.srvctl.RACCDB![0]} stop service -db raccdb -service LEGACY_SVC -instance raccdb2 -force`).then((r) => {
      answered = true;
      return r;
    });
    // The stop is done in the estate, the command still has not answered.
    await until('LEGACY_SVC stopped on raccdb2', () => api.rac('RACCDB'), (v) => !v.services.find((s: { name: string }) => s.name === 'LEGACY_SVC').runningOn.includes('raccdb2'));
    // A full round trip after the stop was done: an answer to the stop would have come before it.
    await ok('RACCDB', 'status service -db raccdb -service LEGACY_SVC');
    const hung = (await api.oplog()).filter((e) => e.op === 'srvctl').at(-1)!;
    assert.deepEqual([hung.args.command, hung.outcome], ['stop service', 'running']);
    assert.equal(answered, false);
    client.end();
    await running.catch(() => undefined);
    const ended = await until('the hang recorded', async () => (await api.oplog()).filter((e) => e.op === 'srvctl').at(-1)!, (e) => e.outcome !== 'running');
    assert.deepEqual([ended.outcome, ended.error!.code], ['error', 'LAB-408']);

    const bad = await fetch(`${lab.url}/faults`, { method: 'POST', body: JSON.stringify({ srvctl: 'stop service', kind: 'permanent', hang: true, code: 'CRS-2675' }) });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as any).error.message, /hang: a hanging command prints nothing/);
    const bad2 = await fetch(`${lab.url}/faults`, { method: 'POST', body: JSON.stringify({ srvctl: 'fly service', kind: 'permanent' }) });
    assert.match(((await bad2.json()) as any).error.message, /srvctl: /);
  });

  test('invariants: a service down on every instance is caught even after it is back; a full stop is not an outage; left-over state when quiescent', async () => {
    await ok('RACCDB', 'stop service -db raccdb -service BATCH_AC -instance raccdb1 -force');
    await ok('RACCDB', 'stop service -db raccdb -service BATCH_AC -instance raccdb2 -force');
    let v = (await api.invariants(false)).violations;
    assert.deepEqual(v.map((x) => x.rule), ['rac-service-down-everywhere']);
    assert.match(v[0]!.detail, /BATCH_AC of RACCDB ran on no instance from .* and still does/);
    await ok('RACCDB', 'start service -db raccdb -service BATCH_AC');
    v = (await api.invariants(false)).violations;
    assert.match(v[0]!.detail, /BATCH_AC of RACCDB ran on no instance from \S+ to \S+$/);
    await api.reset('test');
    await ok('RACCDB', 'stop service -db raccdb -service BATCH_AC');
    assert.deepEqual((await api.invariants(false)).violations, [], 'a full stop is on purpose');
    await ok('RACCDB', 'disable instance -db raccdb -instance raccdb2');
    const rules = (await api.invariants(true)).violations.map((x) => x.rule).sort();
    assert.deepEqual(rules, ['rac-instance-disabled', 'rac-service-not-on-preferred']);
  });

  test('an unplanned instance failure: FAN reason FAILURE, the singleton fails over, Clusterware restarts the instance', async () => {
    const r = await fetch(`${lab.url}/rac/RACCDB/instances/raccdb1/crash`, { method: 'POST' });
    assert.equal(r.status, 200);
    const fan = (await api.fan('RACCDB')).events;
    assert.ok(fan.some((e) => e.type === 'INSTANCE' && e.instance === 'raccdb1' && e.status === 'down' && e.reason === 'FAILURE'));
    assert.ok(fan.some((e) => e.type === 'SERVICEMEMBER' && e.service === 'BILLING_SGL' && e.instance === 'raccdb2' && e.status === 'up'));
    assert.deepEqual((await pool('RACCDB', 'orders-ucp')).byInstance, { raccdb1: 0, raccdb2: 10 });
    await until('raccdb1 restarted', () => api.rac('RACCDB'), (v) => v.instances[0].state === 'running');
    await rebalanced('RACCDB', 'orders-ucp', { raccdb1: 5, raccdb2: 5 });
    assert.match(await ok('RACCDB', 'status service -db raccdb -service BILLING_SGL'), /running on instance\(s\) raccdb2\n/);
    assert.deepEqual((await api.invariants(true)).violations.map((x) => x.rule), ['rac-service-not-on-preferred']);
  });

  test('the sessions series is bounded and can be read from a time on', async () => {
    await ok('RACCDB', 'stop service -db raccdb -service ORDERS_UNI -instance raccdb1 -force');
    const all = await api.racSessions('RACCDB');
    assert.deepEqual(all.instances, ['raccdb1', 'raccdb2']);
    assert.ok(all.points.length >= 2);
    assert.equal(all.points.at(-1)!.services.ORDERS_UNI!.raccdb1, 0);
    const later = await api.racSessions('RACCDB', `?since=${all.points.at(-1)!.t}&maxPoints=2`);
    assert.equal(later.points.length, 1);
    const bad = await fetch(`${lab.url}/rac/RACCDB/sessions?maxPoints=5000`);
    assert.equal(bad.status, 400);
    assert.equal((await fetch(`${lab.url}/rac/CDB1`)).status, 404);
  });
});
