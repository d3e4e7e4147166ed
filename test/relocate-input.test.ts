import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_ESTATE, parseEstate, type EstateConfig } from '../common/estate-config';
import { InputError } from '../common/input-error';
import { buildRelocateInput, type RelocateOptions } from '../client/relocate-input';

const estate = DEFAULT_ESTATE; // CDB1 <-> CDB2 links, groups dbas (alice, bob, carol) and sre (dave, erin)
const env = { ORB_USER: 'alice' } as NodeJS.ProcessEnv;
const base: RelocateOptions = { pdb: 'SALES', from: 'CDB1', to: 'CDB2' };

function build(extra: RelocateOptions = {}, e: EstateConfig = estate, en: NodeJS.ProcessEnv = env) {
  return buildRelocateInput({ ...base, ...extra }, e, en);
}

/** Asserts an InputError naming `field`, whose message matches `rule`. */
function refuses(extra: RelocateOptions, field: string, rule: RegExp, e: EstateConfig = estate): void {
  assert.throws(
    () => build(extra, e),
    (err: unknown) => {
      assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
      assert.equal(err.field, field);
      assert.match(err.message, rule);
      return true;
    },
  );
}

describe('buildRelocateInput: defaults', () => {
  it('builds a complete input with safe defaults', () => {
    const input = build();
    assert.equal(input.pdb, 'SALES');
    assert.equal(input.sourceCdb, 'CDB1');
    assert.equal(input.targetCdb, 'CDB2');
    assert.equal(input.dbLink, 'CDB1_LINK', "the target CDB's link to the source, from the estate");
    assert.equal(input.availability, 'NORMAL');
    assert.equal(input.drain.timeoutMs, 5 * 60_000);
    assert.equal(input.drain.onTimeout, 'ask');
    assert.ok(input.drain.pollMs > 0 && input.drain.pollMs <= input.drain.timeoutMs);
    assert.equal(input.startedBy, 'alice');
    assert.equal(input.gates.beforeCopy, null, 'no gate before the copy by default');
    assert.deepEqual(input.gates.cutover, { approvers: ['alice', 'bob', 'carol'], requiredApprovals: 1, timeoutMs: null, onTimeout: 'reject', allowInitiator: false });
    assert.equal(input.gates.dropTombstone, null);
    // The operator gate (drain timeout 'ask', recover-<stage>) is decided by the same people
    // under the same rules as the cutover, and never times out.
    assert.deepEqual(input.gates.operator, { approvers: ['alice', 'bob', 'carol'], requiredApprovals: 1, timeoutMs: null, onTimeout: 'wait', allowInitiator: false });
  });

  it('canonicalises names: lower-case PDB and CDB names become the dictionary form', () => {
    const input = build({ pdb: 'sales', from: 'cdb1', to: 'cdb2' });
    assert.equal(input.pdb, 'SALES');
    assert.equal(input.sourceCdb, 'CDB1');
    assert.equal(input.targetCdb, 'CDB2');
  });

  it('takes startedBy from --started-by, else ORB_USER, else the OS user', () => {
    assert.equal(build({ startedBy: 'dave' }).startedBy, 'dave');
    assert.equal(build({}, estate, { ORB_USER: 'erin' } as NodeJS.ProcessEnv).startedBy, 'erin');
    assert.ok(build({}, estate, {} as NodeJS.ProcessEnv).startedBy.length > 0);
  });

  it('honours every gate option', () => {
    const input = build({
      availability: 'MAX',
      gateBeforeCopy: true,
      cutoverGate: false,
      keepTombstoneGate: true,
      approvers: ['group:sre', 'carol,bob'],
      requiredApprovals: '2',
      gateTimeout: '2h',
      onGateTimeout: 'wait',
      allowSelfApproval: true,
      drainTimeout: '90s',
      onDrainTimeout: 'disconnect',
      dbLink: 'cdb1_link',
    });
    assert.equal(input.availability, 'MAX');
    assert.equal(input.dbLink, 'CDB1_LINK');
    assert.equal(input.drain.timeoutMs, 90_000);
    assert.equal(input.drain.onTimeout, 'disconnect');
    assert.equal(input.gates.cutover, null);
    const policy = { approvers: ['dave', 'erin', 'carol', 'bob'], requiredApprovals: 2, timeoutMs: 2 * 3_600_000, onTimeout: 'wait', allowInitiator: true };
    assert.deepEqual(input.gates.beforeCopy, policy);
    assert.deepEqual(input.gates.dropTombstone, policy);
    assert.deepEqual(input.gates.operator, { ...policy, timeoutMs: null, onTimeout: 'wait' }, 'the operator gate follows the policy, without its timeout');
  });

  it('the operator gate never lets the initiator in by itself', () => {
    const input = build({ approvers: 'group:sre', startedBy: 'bob' });
    assert.deepEqual(input.gates.operator, { approvers: ['dave', 'erin'], requiredApprovals: 1, timeoutMs: null, onTimeout: 'wait', allowInitiator: false });
    assert.ok(!input.gates.operator.approvers.includes('bob'), 'the initiator is not added to the operator gate');
    // With the cutover gate off the operator gate still uses the configured approvers.
    assert.deepEqual(build({ cutoverGate: false, requiredApprovals: '2' }).gates.operator, { approvers: ['alice', 'bob', 'carol'], requiredApprovals: 2, timeoutMs: null, onTimeout: 'wait', allowInitiator: false });
  });
});

describe('buildRelocateInput: refusals name the field and the rule', () => {
  it('refuses identifier injection in --pdb', () => {
    refuses({ pdb: 'SALES; DROP' }, '--pdb', /not a valid Oracle identifier/);
    refuses({ pdb: 'SALES"--' }, '--pdb', /not a valid Oracle identifier/);
    refuses({ pdb: '"SALES"' }, '--pdb', /not a valid Oracle identifier/);
    refuses({ pdb: 'DROP' }, '--pdb', /reserved word/);
    refuses({ pdb: 'A'.repeat(31) }, '--pdb', /at most 30 bytes/);
    refuses({ pdb: '' }, '--pdb', /non-empty/);
  });

  it('refuses identifier injection in --db-link', () => {
    refuses({ dbLink: 'CDB1_LINK; DROP USER SYS' }, '--db-link', /not a valid Oracle identifier/);
    refuses({ dbLink: 'x@y' }, '--db-link', /not a valid Oracle identifier/);
  });

  it('requires --pdb, --from and --to', () => {
    assert.throws(() => buildRelocateInput({ from: 'CDB1', to: 'CDB2' }, estate, env), (e: unknown) => e instanceof InputError && e.field === '--pdb');
    assert.throws(() => buildRelocateInput({ pdb: 'SALES', to: 'CDB2' }, estate, env), (e: unknown) => e instanceof InputError && e.field === '--from');
    assert.throws(() => buildRelocateInput({ pdb: 'SALES', from: 'CDB1' }, estate, env), (e: unknown) => e instanceof InputError && e.field === '--to');
  });

  it('refuses unknown CDBs, naming the ones the estate knows', () => {
    refuses({ from: 'CDB9' }, '--from', /unknown CDB "CDB9".*CDB1, CDB2/);
    refuses({ to: 'PROD' }, '--to', /unknown CDB "PROD"/);
    refuses({ to: 'CDB2 --' }, '--to', /not a valid Oracle identifier/);
  });

  it('refuses source = target', () => {
    refuses({ to: 'CDB1' }, '--to', /must differ from --from/);
    refuses({ from: 'cdb2', to: 'CDB2' }, '--to', /must differ from --from/);
  });

  it('refuses malformed and out-of-range durations', () => {
    refuses({ drainTimeout: '5 minutes' }, '--drain-timeout', /not a duration/);
    refuses({ drainTimeout: '-3s' }, '--drain-timeout', /not a duration/);
    refuses({ drainTimeout: '0s' }, '--drain-timeout', /greater than zero/);
    refuses({ drainTimeout: '25h' }, '--drain-timeout', /at most 24h/);
    refuses({ drainTimeout: '' }, '--drain-timeout', /not a duration/);
    refuses({ gateTimeout: 'soon' }, '--gate-timeout', /not a duration/);
    refuses({ gateTimeout: '0' }, '--gate-timeout', /greater than zero/);
    assert.equal(build({ drainTimeout: '24h' }).drain.timeoutMs, 24 * 3_600_000);
    assert.equal(build({ drainTimeout: '1m30s' }).drain.timeoutMs, 90_000);
  });

  it('refuses bad enum values, listing the allowed ones', () => {
    refuses({ availability: 'maximum' }, '--availability', /use one of normal, max/);
    refuses({ onDrainTimeout: 'kill' }, '--on-drain-timeout', /use one of disconnect, ask, abort/);
    refuses({ gateTimeout: '1h', onGateTimeout: 'approve' }, '--on-gate-timeout', /use one of reject, wait/);
    assert.equal(build({ availability: 'MAX' }).availability, 'MAX');
  });

  it('refuses --on-gate-timeout without --gate-timeout', () => {
    refuses({ onGateTimeout: 'wait' }, '--on-gate-timeout', /needs --gate-timeout/);
  });

  it('refuses --keep-tombstone-gate with AVAILABILITY NORMAL', () => {
    refuses({ keepTombstoneGate: true }, '--keep-tombstone-gate', /only to --availability max/);
  });

  it('refuses unresolvable approver groups and bad names', () => {
    refuses({ approvers: 'group:nobody' }, '--approvers', /unknown approver group "nobody".*group:dbas \(alice, bob, carol\), group:sre \(dave, erin\)/);
    refuses({ approvers: ['bob', 'x; rm -rf /'] }, '--approvers', /not a valid user name/);
    refuses({ startedBy: 'al ice' }, '--started-by', /not a valid user name/);
  });

  it('takes approvers from configuration only: estate groups, or people in one', () => {
    refuses({ approvers: 'mallory' }, '--approvers', /"mallory" is not in any approver group of the estate.*approvers come from configuration.*group:dbas \(alice, bob, carol\)/);
    refuses({ approvers: ['group:sre', 'bob,zed'] }, '--approvers', /"zed" is not in any approver group/);
    refuses({ approvers: 'Bob' }, '--approvers', /"Bob" is not in any approver group/);
    assert.deepEqual(build({ approvers: 'dave,bob' }).gates.cutover?.approvers, ['dave', 'bob'], 'members of any group may be named');
    assert.deepEqual(build({ approvers: ['group:sre', 'dave'] }).gates.cutover?.approvers, ['dave', 'erin'], 'de-duplicated');
  });

  it('refuses a gate that could never pass', () => {
    refuses({ requiredApprovals: '4' }, '--required-approvals', /4 approval\(s\) needed but only 2/);
    refuses({ approvers: 'alice' }, '--required-approvals', /only 0 approver.*alice started the run/);
    refuses({ requiredApprovals: '0' }, '--required-approvals', /whole number from 1/);
    refuses({ requiredApprovals: 'two' }, '--required-approvals', /whole number from 1/);
    assert.equal(build({ approvers: 'alice', allowSelfApproval: true }).gates.cutover?.approvers[0], 'alice');
  });

  it('requires --approvers when the estate has no dbas group to default to', () => {
    const otherGroups = parseEstate({
      cdbs: { CDB1: { adapter: 'lab', dbLinks: { CDB2: 'L1' } }, CDB2: { adapter: 'lab', dbLinks: { CDB1: 'L2' } } },
      approvers: { groups: { oncall: ['bob', 'carol'] } },
    });
    refuses({}, '--approvers', /is required.*no "dbas" approver group.*group:oncall \(bob, carol\)/, otherGroups);
    // Every run has an operator gate, so even with every gate off someone must be able to answer it.
    refuses({ cutoverGate: false }, '--approvers', /is required/, otherGroups);
    assert.deepEqual(build({ approvers: 'bob' }, otherGroups).gates.cutover?.approvers, ['bob']);
    assert.deepEqual(build({ approvers: 'group:oncall', cutoverGate: false }, otherGroups).gates.operator.approvers, ['bob', 'carol']);
  });

  it('with no approver groups in the estate, nobody can be named and nothing starts', () => {
    const noGroups = parseEstate({ cdbs: { CDB1: { adapter: 'lab', dbLinks: { CDB2: 'L1' } }, CDB2: { adapter: 'lab', dbLinks: { CDB1: 'L2' } } } });
    refuses({}, '--approvers', /is required.*the estate defines no approver groups/, noGroups);
    refuses({ cutoverGate: false }, '--approvers', /is required/, noGroups);
    refuses({ approvers: 'bob' }, '--approvers', /"bob" is not in any approver group.*the estate defines no approver groups \(add approvers\.groups to the estate file\)/, noGroups);
    refuses({ approvers: 'group:dbas' }, '--approvers', /unknown approver group "dbas".*no approver groups/, noGroups);
  });

  it('requires --db-link when the estate names no link from the target to the source', () => {
    const noLink = parseEstate({ cdbs: { CDB1: { adapter: 'lab' }, CDB2: { adapter: 'lab' } }, approvers: { groups: { dbas: ['bob'] } } });
    refuses({}, '--db-link', /is required.*cdbs\.CDB2\.dbLinks\.CDB1/, noLink);
    assert.equal(build({ dbLink: 'MY_LINK.EXAMPLE.COM' }, noLink).dbLink, 'MY_LINK.EXAMPLE.COM');
  });
});

describe('buildRelocateInput: secrets never enter the input', () => {
  it('carries no password, wallet password or connect string from an oracledb estate', () => {
    process.env.ORB_TEST_SECRET_PW = 'S3cr3t-Pa55';
    const real = parseEstate({
      cdbs: {
        PRODA: {
          adapter: 'oracledb',
          connectString: 'dbhost-a.example.com:1521/PRODA_ROOT',
          user: 'c##orb',
          password: { env: 'ORB_TEST_SECRET_PW' },
          walletPassword: { file: '/etc/orb/wallet-password' },
          dbLinks: { PRODB: 'PRODB_LINK' },
        },
        PRODB: {
          adapter: 'oracledb',
          connectString: 'dbhost-b.example.com:1521/PRODB_ROOT',
          user: 'c##orb',
          password: { env: 'ORB_TEST_SECRET_PW' },
          dbLinks: { PRODA: 'PRODA_LINK' },
        },
      },
      approvers: { groups: { dbas: ['bob', 'carol'] } },
    });
    const input = build({ pdb: 'HR', from: 'PRODA', to: 'PRODB' }, real);
    const text = JSON.stringify(input);
    for (const secret of ['S3cr3t-Pa55', 'ORB_TEST_SECRET_PW', 'wallet-password', 'dbhost-', 'c##orb', 'password']) {
      assert.ok(!text.includes(secret), `input must not contain ${secret}: ${text}`);
    }
    assert.equal(input.dbLink, 'PRODA_LINK');
    delete process.env.ORB_TEST_SECRET_PW;
  });
});
