import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInstanceStatus, parseServiceStatus, serviceStatusOf } from '../common/srvctl/status-parsers';
import { parseDatabaseConfig, parseServiceConfig } from '../common/srvctl/config-parsers';
import { SrvctlOutputError } from '../common/srvctl/output-error';

const outputError = (re: RegExp) => (e: unknown) => e instanceof SrvctlOutputError && re.test(e.message);

describe('parseServiceStatus (srvctl status service)', () => {
  test('running on several instances, not running, in one output', () => {
    const out = ['Service sales is running on instance(s) raccdb1,raccdb2', 'Service hr.example.com is running on instance(s) raccdb2', 'Service batch is not running.', ''].join('\n');
    assert.deepEqual(parseServiceStatus(out), [
      { service: 'sales', running: true, instances: ['raccdb1', 'raccdb2'] },
      { service: 'hr.example.com', running: true, instances: ['raccdb2'] },
      { service: 'batch', running: false, instances: [] },
    ]);
  });
  test('the older form with a blank after the comma, CRLF line ends, extra lines tolerated', () => {
    const out = 'WARNING: something srvctl printed first\r\nService SALES is running on instance(s) RACCDB1, RACCDB2\r\n';
    assert.deepEqual(parseServiceStatus(out), [{ service: 'SALES', running: true, instances: ['RACCDB1', 'RACCDB2'] }]);
  });
  test('serviceStatusOf finds one service regardless of case, or says it is missing', () => {
    const out = 'Service sales is not running.\n';
    assert.deepEqual(serviceStatusOf(out, 'SALES'), { service: 'sales', running: false, instances: [] });
    assert.throws(() => serviceStatusOf(out, 'hr'), outputError(/does not mention service hr/));
  });
  test('strict on the lines it knows', () => {
    assert.throws(() => parseServiceStatus('Service sales is running somewhere\n'), outputError(/a service line of an unknown form/));
    assert.throws(() => parseServiceStatus('Service sales is running on nodes: racnode1\n'), outputError(/policy-managed/));
    assert.throws(() => parseServiceStatus('Service sales is running on instance(s) raccdb1,rac;db2\n'), outputError(/"rac;db2" is not an instance name/));
    assert.throws(() => parseServiceStatus('Service sa$les is not running.\n'), outputError(/"sa\$les" is not a service name/));
  });
  test('an empty output has no services', () => assert.deepEqual(parseServiceStatus(''), []));
});

describe('parseInstanceStatus (srvctl status instance / database)', () => {
  test('running and not running, with node names', () => {
    const out = 'Instance raccdb1 is running on node racnode1\nInstance raccdb2 is not running on node racnode2\n';
    assert.deepEqual(parseInstanceStatus(out), [
      { instance: 'raccdb1', node: 'racnode1', running: true },
      { instance: 'raccdb2', node: 'racnode2', running: false },
    ]);
  });
  test('verbose endings are kept as detail, a domain and a trailing period handled', () => {
    const out = [
      'Instance raccdb1 is running on node racnode1. Instance status: Open.',
      'Instance raccdb2 is running on node racnode2.example.com with online services sales,hr. Instance status: Open.',
      'Instance raccdb3 is not running on node PDB-RAC3',
      'Database is running.',
    ].join('\n');
    assert.deepEqual(parseInstanceStatus(out), [
      { instance: 'raccdb1', node: 'racnode1', running: true, detail: 'Instance status: Open.' },
      { instance: 'raccdb2', node: 'racnode2.example.com', running: true, detail: 'with online services sales,hr. Instance status: Open.' },
      { instance: 'raccdb3', node: 'PDB-RAC3', running: false },
    ]);
  });
  test('strict on instance lines', () => {
    assert.throws(() => parseInstanceStatus('Instance raccdb1 is starting on node racnode1\n'), outputError(/unknown form/));
    assert.throws(() => parseInstanceStatus('Instance rac-db1 is running on node racnode1\n'), outputError(/not an instance name/));
    assert.throws(() => parseInstanceStatus('Instance raccdb1 is running on node rac;node1\n'), outputError(/not a node name/));
  });
});

// The layout srvctl 19c prints (attributes never set print their key with nothing after it).
const SALES_19C = `Service name: sales
Server pool:
Cardinality: 2
Service role: PRIMARY
Management policy: AUTOMATIC
DTP transaction: false
AQ HA notifications: true
Global: false
Commit Outcome: true
Failover type: TRANSACTION
Failover method:
Failover retries: 30
Failover delay: 10
Failover restore: LEVEL1
Connection Load Balancing Goal: LONG
Runtime Load Balancing Goal: SERVICE_TIME
TAF policy specification: NONE
Edition:
Pluggable database name: SALESPDB
Hub service:
Maximum lag time: ANY
SQL Translation Profile:
Retention: 86400 seconds
Replay Initiation Time: 600 seconds
Drain timeout: 300 seconds
Stop option: transactional
Session State Consistency: DYNAMIC
GSM Flags: 0
Service is enabled
Preferred instances: raccdb1
Available instances: raccdb2
CSS critical: no
`;

const BARE_19C = `Service name: batch
Server pool:
Cardinality: 2
Service role: PRIMARY
Management policy: AUTOMATIC
AQ HA notifications: false
Commit Outcome: false
Failover type:
Failover method:
Failover retries:
Failover delay:
Failover restore: NONE
Pluggable database name: SALESPDB
Retention: 86400 seconds
Replay Initiation Time: 300 seconds
Drain timeout:
Stop option:
Session State Consistency: DYNAMIC
Service is disabled
Preferred instances: raccdb1,raccdb2
Available instances:
`;

describe('parseServiceConfig (srvctl config service)', () => {
  test('a service configured for Application Continuity: every readiness attribute typed', () => {
    const [c] = parseServiceConfig(SALES_19C);
    assert.deepEqual({ ...c!, attributes: undefined }, {
      name: 'sales',
      pdb: 'SALESPDB',
      preferredInstances: ['raccdb1'],
      availableInstances: ['raccdb2'],
      failoverType: 'TRANSACTION',
      failoverMethod: null,
      failoverRestore: 'LEVEL1',
      failoverRetries: 30,
      failoverDelay: 10,
      commitOutcome: true,
      notification: true,
      retention: 86400,
      replayInitiationTime: 600,
      drainTimeout: 300,
      stopOption: 'TRANSACTIONAL',
      sessionStateConsistency: 'DYNAMIC',
      managementPolicy: 'AUTOMATIC',
      role: 'PRIMARY',
      enabled: true,
      disabledInstances: [],
      attributes: undefined,
    });
    assert.equal(c!.attributes['Runtime Load Balancing Goal'], 'SERVICE_TIME');
    assert.equal(c!.attributes['Server pool'], '');
  });

  test('unset attributes are null; several services in one output; 23ai capitals and extra keys', () => {
    const v23 = 'Service name: tac\nCommit Outcome: TRUE\nAQ HA notifications: TRUE\nFailover type: AUTO\nFailback :  no  \nReset State: NONE\nService is enabled\n';
    const all = parseServiceConfig(`${SALES_19C}\n${BARE_19C}\n${v23}`);
    assert.deepEqual(all.map((s) => s.name), ['sales', 'batch', 'tac']);
    const bare = all[1]!;
    assert.equal(bare.failoverType, null);
    assert.equal(bare.failoverRetries, null);
    assert.equal(bare.drainTimeout, null);
    assert.equal(bare.stopOption, null);
    assert.equal(bare.commitOutcome, false);
    assert.equal(bare.enabled, false);
    assert.deepEqual(bare.availableInstances, []);
    const tac = all[2]!;
    assert.equal(tac.commitOutcome, true);
    assert.equal(tac.notification, true);
    assert.equal(tac.failoverType, 'AUTO');
    assert.equal(tac.attributes['Failback'], 'no');
  });

  test("12.1's TAF key names", () => {
    const [c] = parseServiceConfig('Service name: old\nTAF failover retries: 20\nTAF failover delay: 15\nFailover type: SELECT\n');
    assert.equal(c!.failoverRetries, 20);
    assert.equal(c!.failoverDelay, 15);
  });

  test('strict where it interprets', () => {
    assert.throws(() => parseServiceConfig('Service name: s\nDrain timeout: soon\n'), outputError(/"Drain timeout" is not a number/));
    assert.throws(() => parseServiceConfig('Service name: s\nCommit Outcome: maybe\n'), outputError(/"Commit Outcome" is neither true nor false/));
    assert.throws(() => parseServiceConfig('Service name: s\nPreferred instances: raccdb1,$(id)\n'), outputError(/"\$\(id\)" in "Preferred instances" is not an instance name/));
    assert.throws(() => parseServiceConfig('Service name: s;x\n'), outputError(/not a service name/));
    assert.throws(() => parseServiceConfig('Service name: s\nRetention: 1 seconds\nRetention: 2 seconds\n'), outputError(/appears twice/));
  });

  test('lines before the first service are ignored; no service, no config', () => {
    assert.deepEqual(parseServiceConfig(''), []);
    assert.equal(parseServiceConfig(`some banner\n${BARE_19C}`)[0]!.name, 'batch');
  });
});

describe('parseDatabaseConfig (srvctl config database)', () => {
  const OUT = `Database unique name: raccdb
Database name: RACCDB
Oracle home: /u01/app/oracle/product/19.0.0/dbhome_1
Oracle user: oracle
Spfile: +DATA/RACCDB/PARAMETERFILE/spfile.275.1053776653
Domain:
Start options: open
Stop options: immediate
Database role: PRIMARY
Management policy: AUTOMATIC
Server pools:
Disk Groups: DATA
Services: sales,hr.example.com
Type: RAC
Database instances: raccdb1,raccdb2
Configured nodes: racnode1,racnode2
CSS critical: no
Database is administrator managed
`;
  test('instances, nodes, services, type, home', () => {
    const c = parseDatabaseConfig(OUT);
    assert.equal(c.uniqueName, 'raccdb');
    assert.equal(c.name, 'RACCDB');
    assert.equal(c.type, 'RAC');
    assert.equal(c.oracleHome, '/u01/app/oracle/product/19.0.0/dbhome_1');
    assert.deepEqual(c.instances, ['raccdb1', 'raccdb2']);
    assert.deepEqual(c.nodes, ['racnode1', 'racnode2']);
    assert.deepEqual(c.services, ['sales', 'hr.example.com']);
    assert.equal(c.administratorManaged, true);
    assert.equal(c.attributes['Spfile'], '+DATA/RACCDB/PARAMETERFILE/spfile.275.1053776653');
  });
  test('a single-instance database names its one instance', () => {
    const c = parseDatabaseConfig('Database unique name: orcl\nDatabase instance: ORCL\nConfigured nodes: dbstby\nServices:\n');
    assert.deepEqual(c.instances, ['ORCL']);
    assert.deepEqual(c.services, []);
    assert.equal(c.administratorManaged, null);
  });
  test('refuses output without the database unique name', () => {
    assert.throws(() => parseDatabaseConfig('PRCD-1120 : The resource for database x could not be found.\n'), outputError(/no "Database unique name"/));
  });
});
