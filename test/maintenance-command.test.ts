/**
 * The estate's maintenance commands (common/rac/maintenance-command.ts): what an argument vector may hold (nothing a
 * remote shell would expand), placeholders, timeouts, the estate's rules around them, and which node a turn's command
 * is sent to (activities/node-maintenance.ts: by the node's estate name, else its host name's first label).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEstate } from '../common/estate-config';
import { InputError } from '../common/input-error';
import { maintenanceArgv, maintenanceCommandSchema, maintenanceTimeoutMs } from '../common/rac/maintenance-command';
import { maintenanceActivities } from '../activities/node-maintenance';
import { keyPair } from './helpers/ssh-test-server';

const hostKey = keyPair().public;
const NODE = { host: 'racnode1', user: 'grid', hostKey, privateKey: { file: '/etc/orb/grid_ed25519' } };
const SRVCTL = {
  db: 'raccdb',
  path: '/u01/app/19.0.0/grid/bin/srvctl',
  nodes: [NODE, { ...NODE, host: 'rac-b.example.com', name: 'racnode2' }],
};
const ORACLEDB = {
  adapter: 'oracledb',
  connectString: 'racscan:1521/raccdb',
  user: 'c##orb',
  password: { env: 'ORB_PW' },
};
const PATCH = {
  command: ['/u01/app/oracle/scripts/patch-node.sh', '-node', '{node}', '--sid={instance}', '-db', '{db}'],
  timeout: '1h30m',
};

const problem = (c: unknown) => {
  const r = maintenanceCommandSchema.safeParse(c);
  return r.success ? null : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
};

describe('maintenance commands', () => {
  test('placeholders are replaced by the validated node, instance and database names; the timeout is read', () => {
    const c = maintenanceCommandSchema.parse(PATCH);
    assert.deepEqual(maintenanceArgv(c, { node: 'racnode1', instance: 'raccdb1', db: 'raccdb' }), [
      '/u01/app/oracle/scripts/patch-node.sh',
      '-node',
      'racnode1',
      '--sid=raccdb1',
      '-db',
      'raccdb',
    ]);
    assert.equal(maintenanceTimeoutMs(c), 5_400_000);
    assert.equal(maintenanceTimeoutMs(maintenanceCommandSchema.parse({ command: ['/bin/true'] })), 3_600_000);
    assert.throws(
      () => maintenanceArgv(c, { node: 'racnode1;reboot', instance: 'raccdb1', db: 'raccdb' }),
      /node: .*not a valid node name/,
    );
  });

  test('nothing a shell would read reaches the command line: each element is refused, naming its index and the rule', () => {
    for (const [argv, want] of [
      [['patch.sh'], /^command\.0: .*absolute path/],
      [['/u01/../etc/passwd'], /^command\.0: .*without \. or \.\. segments/],
      [['/u01/x.sh', 'a;b'], /^command\.1: .*letters, digits/],
      [['/u01/x.sh', '$(reboot)'], /^command\.1: /],
      [['/u01/x.sh', 'two words'], /^command\.1: /],
      [['/u01/x.sh', "it's"], /^command\.1: /],
      [['/u01/x.sh', 'x', '`id`'], /^command\.2: /],
      [['/u01/x.sh', '{user}'], /^command\.1: .*unknown placeholder/],
      [['/u01/x.sh', 'a\nb'], /^command\.1: /],
      [[], /^command: must name the program/],
    ] as [string[], RegExp][]) {
      assert.match(problem({ command: argv }) ?? 'accepted', want, JSON.stringify(argv));
    }
    assert.match(
      problem({ command: ['/bin/true'], timeout: '2d' }) ?? '',
      /^timeout: must be a duration such as 30m or 2h/,
    );
    assert.match(problem({ command: ['/bin/true'], timeout: '25h' }) ?? '', /at most 24h/);
    assert.match(problem({ command: ['/bin/true'], shell: true }) ?? '', /unrecognized/i);
  });

  test('the estate: names are checked, and a CDB without srvctl cannot have maintenance commands', () => {
    const e = parseEstate({ cdbs: { RACCDB: { ...ORACLEDB, srvctl: SRVCTL, maintenance: { 'os-patch': PATCH } } } });
    assert.deepEqual(Object.keys(e.cdbs.RACCDB!.maintenance!), ['os-patch']);
    assert.throws(
      () => parseEstate({ cdbs: { RACCDB: { ...ORACLEDB, maintenance: { 'os-patch': PATCH } } } }, 'f.json'),
      (err: unknown) =>
        err instanceof InputError && /f\.json: cdbs\.RACCDB\.maintenance: needs "srvctl"/.test(err.message),
    );
    assert.throws(
      () =>
        parseEstate(
          { cdbs: { RACCDB: { ...ORACLEDB, srvctl: SRVCTL, maintenance: { 'OS Patch': PATCH } } } },
          'f.json',
        ),
      (err: unknown) =>
        err instanceof InputError &&
        /cdbs\.RACCDB\.maintenance\.OS Patch: must be a lower-case letter/.test(err.message),
    );
  });

  test("each turn goes to its own node: by the node's name, else the host name's first label; an unknown node is refused", async () => {
    const estate = parseEstate({
      cdbs: { RACCDB: { ...ORACLEDB, srvctl: SRVCTL, maintenance: { 'os-patch': PATCH } } },
    });
    const act = maintenanceActivities(estate);
    const lines = await act.maintenanceCommandLines({
      cdb: 'RACCDB',
      name: 'os-patch',
      turns: [
        { instance: 'raccdb2', node: 'racnode2' },
        { instance: 'raccdb1', node: 'RACNODE1' },
      ],
    });
    assert.deepEqual(
      lines.map((l) => [l.instance, l.sshNode, l.commandLine]),
      [
        [
          'raccdb2',
          'rac-b.example.com:22',
          '/u01/app/oracle/scripts/patch-node.sh -node racnode2 --sid=raccdb2 -db raccdb',
        ],
        ['raccdb1', 'racnode1:22', '/u01/app/oracle/scripts/patch-node.sh -node RACNODE1 --sid=raccdb1 -db raccdb'],
      ],
    );
    await assert.rejects(
      act.maintenanceCommandLines({
        cdb: 'RACCDB',
        name: 'os-patch',
        turns: [{ instance: 'raccdb3', node: 'racnode3' }],
      }),
      (err: unknown) =>
        err instanceof InputError && err.field === 'cdbs.RACCDB.srvctl.nodes' && /no node racnode3/.test(err.message),
    );
    await assert.rejects(
      act.maintenanceCommandLines({ cdb: 'RACCDB', name: 'reboot', turns: [] }),
      (err: unknown) => err instanceof InputError && err.field === 'maintenance' && /known|os-patch/.test(err.message),
    );
  });
});
