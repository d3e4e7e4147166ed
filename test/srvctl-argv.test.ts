import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { commandLine, srvctlArgv, srvctlCommandLine } from '../common/srvctl/srvctl-argv';
import type { SrvctlCommand } from '../common/srvctl/commands';
import { InputError } from '../common/input-error';
import { parseSrvctl } from '../lab/rac/srvctl/parse';

const PATH = '/u01/app/19.0.0/grid/bin/srvctl';
const db = 'raccdb';

/** Asserts `fn` throws an InputError whose field is `field` and whose message states a rule matching `rule`. */
function refused(fn: () => unknown, field: string, rule: RegExp = /./) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected an InputError, got ${String(e)}`);
    assert.equal(e.field, field, e.message);
    assert.match(e.message, rule);
    return true;
  });
}

describe('srvctlArgv: the argument vector of each command, in Oracle long-option syntax', () => {
  const cases: [SrvctlCommand, string][] = [
    [{ kind: 'status-service', db }, 'status service -db raccdb'],
    [{ kind: 'status-service', db, service: 'sales.example.com' }, 'status service -db raccdb -service sales.example.com'],
    [{ kind: 'status-instance', db, instances: ['raccdb1', 'raccdb2'] }, 'status instance -db raccdb -instance raccdb1,raccdb2'],
    [{ kind: 'status-database', db }, 'status database -db raccdb'],
    [{ kind: 'config-service', db, service: 'sales' }, 'config service -db raccdb -service sales'],
    [{ kind: 'config-service', db }, 'config service -db raccdb'],
    [{ kind: 'config-database', db }, 'config database -db raccdb'],
    [{ kind: 'start-service', db, service: 'sales' }, 'start service -db raccdb -service sales'],
    [{ kind: 'start-service', db, service: 'sales', instance: 'raccdb1', eval: true }, 'start service -db raccdb -service sales -instance raccdb1 -eval'],
    [{ kind: 'stop-service', db, service: 'sales', instance: 'raccdb1' }, 'stop service -db raccdb -service sales -instance raccdb1'],
    // A relocation's drain: on every instance, without -force.
    [
      { kind: 'stop-service', db, service: 'sales', drainTimeout: 60, stopOption: 'NONE' },
      'stop service -db raccdb -service sales -stopoption NONE -drain_timeout 60',
    ],
    [
      { kind: 'stop-service', db, service: 'sales', instance: 'raccdb1', drainTimeout: 300, stopOption: 'TRANSACTIONAL', wait: true },
      'stop service -db raccdb -service sales -instance raccdb1 -stopoption TRANSACTIONAL -drain_timeout 300 -wait YES',
    ],
    [
      { kind: 'stop-service', db, service: 'gold', instance: 'raccdb1', drainTimeout: 300, stopOption: 'IMMEDIATE', force: true, failover: true },
      'stop service -db raccdb -service gold -instance raccdb1 -stopoption IMMEDIATE -drain_timeout 300 -force -failover',
    ],
    [
      { kind: 'stop-service', db, service: 'gold', instance: 'raccdb1', force: true, noreplay: true, wait: false },
      'stop service -db raccdb -service gold -instance raccdb1 -wait NO -force -noreplay',
    ],
    [{ kind: 'enable-service', db, service: 'sales', instance: 'raccdb2' }, 'enable service -db raccdb -service sales -instance raccdb2'],
    [{ kind: 'enable-service', db, service: 'sales' }, 'enable service -db raccdb -service sales'],
    [{ kind: 'disable-service', db, service: 'sales', instance: 'raccdb2' }, 'disable service -db raccdb -service sales -instance raccdb2'],
    [
      { kind: 'relocate-service', db, service: 'sales', oldInstance: 'raccdb1', newInstance: 'raccdb2', drainTimeout: 120 },
      'relocate service -db raccdb -service sales -oldinst raccdb1 -newinst raccdb2 -drain_timeout 120',
    ],
    [
      { kind: 'relocate-service', db, service: 'sales', oldInstance: 'raccdb1', newInstance: 'raccdb2', force: true, stopOption: 'IMMEDIATE', eval: true },
      'relocate service -db raccdb -service sales -oldinst raccdb1 -newinst raccdb2 -force -stopoption IMMEDIATE -eval',
    ],
    [{ kind: 'start-instance', db, instance: 'raccdb1' }, 'start instance -db raccdb -instance raccdb1'],
    [
      { kind: 'stop-instance', db, instance: 'raccdb1', stopOption: 'IMMEDIATE', drainTimeout: 60, force: true, failover: true },
      'stop instance -db raccdb -instance raccdb1 -stopoption IMMEDIATE -drain_timeout 60 -force -failover',
    ],
    [{ kind: 'stop-instance', db, instance: 'raccdb1', stopOption: 'IMMEDIATE' }, 'stop instance -db raccdb -instance raccdb1 -stopoption IMMEDIATE'],
    [{ kind: 'enable-instance', db, instance: 'raccdb1' }, 'enable instance -db raccdb -instance raccdb1'],
    [{ kind: 'disable-instance', db, instance: 'raccdb1' }, 'disable instance -db raccdb -instance raccdb1'],
    [
      {
        kind: 'modify-service',
        db,
        service: 'sales',
        attributes: {
          failoverType: 'AUTO',
          failoverMethod: 'BASIC',
          failoverRestore: 'AUTO',
          commitOutcome: true,
          replayInitTime: 600,
          retention: 86400,
          sessionState: 'AUTO',
          notification: true,
          failoverRetry: 30,
          failoverDelay: 10,
          drainTimeout: 300,
          stopOption: 'TRANSACTIONAL',
        },
      },
      'modify service -db raccdb -service sales -failovertype AUTO -failovermethod BASIC -failover_restore AUTO -commit_outcome TRUE ' +
        '-replay_init_time 600 -retention 86400 -session_state AUTO -notification TRUE -failoverretry 30 -failoverdelay 10 ' +
        '-drain_timeout 300 -stopoption TRANSACTIONAL',
    ],
    [
      { kind: 'modify-service', db, service: 'sales', attributes: { commitOutcome: false, notification: false } },
      'modify service -db raccdb -service sales -commit_outcome FALSE -notification FALSE',
    ],
  ];
  for (const [cmd, expected] of cases) {
    test(expected, () => {
      assert.deepEqual(srvctlArgv(cmd), expected.split(' '));
      assert.equal(srvctlCommandLine(PATH, cmd), `${PATH} ${expected}`);
    });
  }

  test('no command line holds anything a shell would interpret', () => {
    for (const [cmd] of cases) assert.match(srvctlCommandLine(PATH, cmd), /^[A-Za-z0-9_.,/ -]+$/);
  });
});

describe('srvctlArgv refuses hostile names, naming the field and the rule', () => {
  const hostile: [string, string, RegExp][] = [
    ['svc;reboot', 'semicolon', /';' at 3/],
    ['$(id)', 'command substitution', /begins with '\$'/],
    ['a b', 'blank', /U\+0020 at 1/],
    ['-force', 'an option', /begins with '-'/],
    ['"sales"', 'double quotes', /begins with '"'/],
    ["sa'les", 'single quote', /''' at 2/],
    ['sales\nreboot', 'newline', /U\+000A at 5/],
    ['sales`id`', 'backquote', /'`' at 5/],
    ['a|b', 'pipe', /'\|' at 1/],
    ['a&b', 'ampersand', /'&' at 1/],
    ['a>b', 'redirection', /'>' at 1/],
    ['sérvice', 'non-ASCII', /U\+00E9 at 1/],
    ['sales\u202e', 'bidi override', /U\+202E at 5/],
    ['', 'empty', /must not be empty/],
    ['s'.repeat(10 * 1024), '10 KB', /at most \d+ characters long \(got 10240\)/],
  ];
  for (const [value, what, rule] of hostile) {
    test(`${what} in each name field`, () => {
      refused(() => srvctlArgv({ kind: 'stop-service', db, service: value, instance: 'raccdb1' }), 'service', rule);
      refused(() => srvctlArgv({ kind: 'stop-service', db, service: 'sales', instance: value }), 'instance', rule);
      refused(() => srvctlArgv({ kind: 'status-database', db: value }), 'db', rule);
      refused(() => srvctlArgv({ kind: 'relocate-service', db, service: 'sales', oldInstance: value, newInstance: 'raccdb2' }), 'oldInstance', rule);
      refused(() => srvctlArgv({ kind: 'relocate-service', db, service: 'sales', oldInstance: 'raccdb1', newInstance: value }), 'newInstance', rule);
      refused(() => srvctlArgv({ kind: 'status-instance', db, instances: ['raccdb1', value] }), 'instances.1', rule);
    });
  }

  test('the rule is stated in the message', () => {
    refused(() => srvctlArgv({ kind: 'status-service', db, service: 'svc;reboot' }), 'service', /a service name is a letter, then letters, digits, _ \. and -, at most 64 characters/);
    refused(() => srvctlArgv({ kind: 'status-database', db: 'RAC$DB' }), 'db', /a database unique name is a letter, then letters, digits and _, at most 30 characters/);
  });

  test('a name that is not a string', () => {
    refused(() => srvctlArgv({ kind: 'status-service', db, service: 42 } as never), 'service', /must be a service name \(a string\)/);
    refused(() => srvctlArgv({ kind: 'status-database', db: ['raccdb'] } as never), 'db', /must be a database unique name/);
  });

  test('unknown fields and kinds', () => {
    refused(() => srvctlArgv({ kind: 'status-database', db, extra: '; reboot' } as never), '(input)', /unknown field\(s\) "extra"/);
    refused(() => srvctlArgv({ kind: 'remove-database', db } as never), 'kind', /must be one of the srvctl commands orb runs: status-service, .*disable-instance/);
  });
});

describe('srvctlArgv checks numbers and option combinations', () => {
  const stop = { kind: 'stop-service', db, service: 'sales', instance: 'raccdb1' } as const;
  test('seconds are whole, non-negative and bounded', () => {
    refused(() => srvctlArgv({ ...stop, drainTimeout: -1 }), 'drainTimeout', /must not be negative/);
    refused(() => srvctlArgv({ ...stop, drainTimeout: 1.5 }), 'drainTimeout', /whole number/);
    refused(() => srvctlArgv({ ...stop, drainTimeout: 1e12 }), 'drainTimeout', /at most 2592000/);
    refused(() => srvctlArgv({ ...stop, drainTimeout: '300; reboot' } as never), 'drainTimeout', /number of seconds/);
    refused(() => srvctlArgv({ kind: 'modify-service', db, service: 'sales', attributes: { retention: NaN } }), 'attributes.retention');
  });
  test('enumerations', () => {
    refused(() => srvctlArgv({ ...stop, stopOption: 'ABORT' } as never), 'stopOption');
    refused(() => srvctlArgv({ kind: 'stop-instance', db, instance: 'raccdb1', stopOption: 'TRANSACTIONAL LOCAL' } as never), 'stopOption');
    refused(() => srvctlArgv({ kind: 'modify-service', db, service: 'sales', attributes: { failoverType: 'transaction' } } as never), 'attributes.failoverType');
  });
  test("Oracle's syntax: -noreplay and a relocation's -stopoption only with -force", () => {
    refused(() => srvctlArgv({ ...stop, noreplay: true }), 'noreplay', /only taken with -force/);
    const reloc = { kind: 'relocate-service', db, service: 'sales', oldInstance: 'raccdb1', newInstance: 'raccdb2' } as const;
    refused(() => srvctlArgv({ ...reloc, stopOption: 'IMMEDIATE' }), 'stopOption', /only taken with -force/);
    refused(() => srvctlArgv({ ...reloc, newInstance: 'RACCDB1' }), 'newInstance', /must differ/);
  });
  test('a modify needs at least one attribute, and names unknown ones', () => {
    refused(() => srvctlArgv({ kind: 'modify-service', db, service: 'sales', attributes: {} }), 'attributes', /at least one attribute/);
    refused(() => srvctlArgv({ kind: 'modify-service', db, service: 'sales', attributes: { clbgoal: 'SHORT' } } as never), 'attributes', /unknown field/);
  });
  test('a disable always names its instance', () => {
    refused(() => srvctlArgv({ kind: 'disable-service', db, service: 'sales' } as never), 'instance');
  });
});

describe("the lab's own srvctl parser takes what the builder makes", () => {
  test('a stop service naming no instance (a relocation drain: every instance, no -force) parses, with no instance', () => {
    const argv = srvctlArgv({ kind: 'stop-service', db, service: 'ORDERS_UNI', drainTimeout: 30, stopOption: 'NONE' });
    const p = parseSrvctl(argv);
    assert.equal(p.kind, 'command');
    if (p.kind !== 'command') return;
    assert.equal(p.command.key, 'stop service');
    assert.deepEqual(p.command.options, { db, service: ['ORDERS_UNI'], stopoption: 'NONE', drain_timeout: 30 });
  });
});

describe('commandLine', () => {
  test('joins the absolute srvctl path and the words with single blanks', () => {
    assert.equal(commandLine(PATH, ['status', 'database', '-db', 'raccdb']), `${PATH} status database -db raccdb`);
    assert.equal(commandLine('/opt/oracle/product/19c/dbhome_1/bin/srvctl', ['status', 'database', '-db', 'x']), '/opt/oracle/product/19c/dbhome_1/bin/srvctl status database -db x');
  });
  test('refuses a path that is not absolute, does not end in /bin/srvctl, or holds anything else', () => {
    for (const p of ['srvctl', 'bin/srvctl', '/u01/app/bin/srvctl2', '/u01/app/bin/srvctl;id', '/u01/../bin/srvctl', '/u01/./bin/srvctl', '/u01 x/bin/srvctl', '/u01/$HOME/bin/srvctl', '', '//bin/srvctl']) {
      refused(() => commandLine(p, ['status', 'database']), 'srvctl.path', /absolute path ending in \/bin\/srvctl/);
    }
  });
  test('checks every word again', () => {
    refused(() => commandLine(PATH, ['status', 'service', '-db', 'raccdb', '-service', 'a;b']), 'argv[5]', /nothing a shell would interpret/);
    refused(() => commandLine(PATH, ['status', '']), 'argv[1]');
    refused(() => commandLine(PATH, []), 'argv');
  });
});
