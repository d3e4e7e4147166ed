import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySrvctlFailure } from '../common/srvctl/srvctl-errors';
import { classifySshFailure } from '../common/srvctl/ssh-failures';
import type { SrvctlCommandKind } from '../common/srvctl/commands';
import { InputError } from '../common/input-error';

const fail = (stdout: string, exitCode: number | null = 1, stderr = '') => ({ exitCode, stdout, stderr });

describe('classifySrvctlFailure: already-done, transient or permanent, for the command that ran', () => {
  // [what srvctl printed, the command, kind, deciding code]
  const table: [string, SrvctlCommandKind | undefined, string, string][] = [
    ['PRCC-1014 : sales was already running\nPRCR-1004 : Resource ora.raccdb.sales.svc is already running\nPRCR-1079 : Failed to start resource ora.raccdb.sales.svc\nCRS-5702: Resource \'ora.raccdb.sales.svc\' is already running on \'racnode1\'', 'start-service', 'already-done', 'PRCC-1014'],
    ['PRCC-1014 : raccdb1 was already running', 'start-instance', 'already-done', 'PRCC-1014'],
    ['PRCC-1016 : sales was already stopped\nPRCR-1005 : Resource ora.raccdb.sales.svc is already stopped', 'stop-service', 'already-done', 'PRCC-1016'],
    ['PRCC-01016 : raccdb1 was already stopped', 'stop-instance', 'already-done', 'PRCC-1016'],
    ['PRCR-1002 : Resource ora.raccdb.sales.svc is already enabled', 'enable-service', 'already-done', 'PRCR-1002'],
    ['PRCC-1012 : raccdb1 is already disabled', 'disable-instance', 'already-done', 'PRCC-1012'],
    ['PRCC-1013 : sales is already disabled on raccdb2', 'disable-service', 'already-done', 'PRCC-1013'],
    // "already" answering a command that asked for the opposite, or none at all
    ['PRCC-1014 : sales was already running', 'stop-service', 'permanent', 'PRCC-1014'],
    ['PRCC-1016 : sales was already stopped', 'relocate-service', 'permanent', 'PRCC-1016'],
    ['PRCC-1014 : sales was already running', undefined, 'permanent', 'PRCC-1014'],
    // one instance already running, the other failed to start: not done
    ['PRCC-1014 : raccdb was already running\nPRCR-1004 : Resource ora.raccdb.db is already running\nPRCR-1079 : Failed to start resource ora.raccdb.db\nCRS-5017: The resource action "ora.raccdb.db start" encountered the following error:\nORA-00600: internal error code, arguments: [kccsbck_first], [1]', 'start-instance', 'permanent', 'ORA-00600'],
    // an instance that still has services running there
    ['PRCD-1131 : Failed to stop database raccdb and its services on nodes racnode1\nPRCR-1133 : Failed to stop database raccdb and its running services\nPRCR-1132 : Failed to stop resources using a filter\nCRS-2974: unable to act on resource \'ora.raccdb.db\' on server \'racnode1\' because that would require stopping or relocating resource \'ora.raccdb.sales.svc\' but the appropriate force flag was not specified', 'stop-instance', 'permanent', 'CRS-2974'],
    ['PRKO-2002 : Invalid command line option: -drain_timeout', 'stop-service', 'permanent', 'PRKO-2002'],
    ['PRCR-1001 : Resource ora.raccdb.nosuch.svc does not exist', 'stop-service', 'permanent', 'PRCR-1001'],
    ['PRCD-1120 : The resource for database nosuch could not be found.\nPRCR-1001 : Resource ora.nosuch.db does not exist', 'status-database', 'permanent', 'PRCD-1120'],
    ['PRKF-1080 : Option \'-eval\' cannot be used to evaluate effects of stopping service sales with an administrator-managed database raccdb.', 'stop-service', 'permanent', 'PRKF-1080'],
    ['CRS-2562: Resource \'ora.raccdb.sales.svc\' cannot be relocated as it is not running', 'relocate-service', 'permanent', 'CRS-2562'],
    ['PRCR-9999 : Something new', 'start-service', 'permanent', 'PRCR-9999'],
    // the node's own Clusterware does not answer
    ['PRCR-1070 : Failed to check if resource ora.raccdb.db is registered\nCRS-0184 : Cannot communicate with the CRS daemon.', 'status-database', 'transient', 'CRS-0184'],
    ['CRS-4535: Cannot communicate with Cluster Ready Services', 'start-service', 'transient', 'CRS-4535'],
    ['CLSR-00524: Resource ora.raccdb.db is stopping, resource ora.raccdb.sales.svc cannot start', 'start-service', 'transient', 'CLSR-0524'],
    // a transient Oracle error under CRS-5017
    ['PRCR-1079 : Failed to start resource ora.raccdb.db\nCRS-5017: The resource action "ora.raccdb.db start" encountered the following error:\nORA-01089: immediate shutdown or close in progress', 'start-instance', 'transient', 'ORA-01089'],
    // only wrappers: no cause given
    ['PRCR-1079 : Failed to start resource ora.raccdb.sales.svc', 'start-service', 'permanent', 'PRCR-1079'],
  ];
  for (const [out, kind, expected, code] of table) {
    test(`${kind ?? '(no command)'}: ${out.split('\n').at(-1)!.slice(0, 70)} -> ${expected} ${code}`, () => {
      const c = classifySrvctlFailure(fail(out), kind);
      assert.equal(c.kind, expected, c.explanation);
      assert.equal(c.code, code);
      assert.ok(c.explanation.length > 10 && c.action.length > 5);
    });
  }

  test('codes on stderr count too, and every code is listed once, in order', () => {
    const c = classifySrvctlFailure(fail('', 1, 'PRCC-1016 : sales was already stopped\nPRCR-1005 : Resource x is already stopped\nPRCC-1016 : again'), 'stop-service');
    assert.equal(c.kind, 'already-done');
    assert.deepEqual(c.codes, ['PRCC-1016', 'PRCR-1005']);
  });

  test('only a dead node, not the cluster, sends the command to the next node', () => {
    assert.equal(classifySrvctlFailure(fail('CRS-4535: Cannot communicate with Cluster Ready Services'), 'start-service').tryAnotherNode, true);
    assert.equal(classifySrvctlFailure(fail('ORA-01089: immediate shutdown in progress'), 'start-instance').tryAnotherNode, false);
    assert.equal(classifySrvctlFailure(fail('PRCR-1001 : Resource x does not exist'), 'start-service').tryAnotherNode, false);
  });

  test('failures without a code: by exit status', () => {
    assert.equal(classifySrvctlFailure(fail('bash: /u01/bin/srvctl: No such file or directory', 127)).code, 'SRVCTL-NOT-FOUND');
    assert.equal(classifySrvctlFailure(fail('Permission denied', 126)).code, 'SRVCTL-NOT-EXECUTABLE');
    const odd = classifySrvctlFailure(fail('something odd', 3));
    assert.deepEqual([odd.kind, odd.code], ['permanent', 'SRVCTL-EXIT-3']);
    const cut = classifySrvctlFailure(fail('', null));
    assert.deepEqual([cut.kind, cut.code], ['transient', 'SshNoExitStatus']);
  });

  test('the message keeps the first lines, bounded and without control characters', () => {
    const c = classifySrvctlFailure(fail(`PRKO-2002 : Invalid command line option: -x\u001b[31m\n${'y'.repeat(5000)}`), 'stop-service');
    assert.ok(c.message.length < 700);
    assert.doesNotMatch(c.message, /\u001b/);
    assert.match(c.message, /^PRKO-2002 : Invalid command line option/);
  });
});

describe('classifySshFailure: the transport', () => {
  const e = (code: string, message = 'm') => Object.assign(new Error(message), { code });
  const table: [unknown, string, string, boolean][] = [
    [e('ECONNREFUSED'), 'transient', 'ECONNREFUSED', true],
    [e('EHOSTUNREACH'), 'transient', 'EHOSTUNREACH', true],
    [e('SshTimeout'), 'transient', 'SshTimeout', true],
    [e('SshUnreachable'), 'transient', 'SshUnreachable', true],
    [e('SrvctlTimeout'), 'transient', 'SrvctlTimeout', false],
    [e('SshHostKeyChanged'), 'permanent', 'SshHostKeyChanged', false],
    [e('SshHostKeyUnknown'), 'permanent', 'SshHostKeyUnknown', false],
    [e('SshAuthFailed'), 'permanent', 'SshAuthFailed', false],
    [e('SshKeyUnreadable'), 'permanent', 'SshKeyUnreadable', false],
    [new InputError('cdbs.X.srvctl', 'is not set'), 'permanent', 'InputError', false],
    [new Error('weird'), 'permanent', 'SshError', false],
    ['not even an error', 'permanent', 'SshError', false],
  ];
  for (const [err, kind, code, next] of table) {
    test(`${code} -> ${kind}${next ? ', next node' : ''}`, () => {
      const c = classifySshFailure(err);
      assert.deepEqual([c.kind, c.code, c.tryAnotherNode], [kind, code, next]);
    });
  }
});
