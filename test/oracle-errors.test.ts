import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { classifyOracleError, isIdempotentSuccess, toActivityError } from '../common/oracle-errors';
import { OracleError } from '../activities/oracle/port';
import { InputError } from '../common/input-error';

/** An error as node-oracledb thin mode throws it for a database error. */
function ora(errorNum: number, text: string, extra: Record<string, unknown> = {}): Error {
  const code = `ORA-${String(errorNum).padStart(5, '0')}`;
  return Object.assign(new Error(`${code}: ${text}\nHelp: https://docs.oracle.com/error-help/db/ora-${String(errorNum).padStart(5, '0')}/`), {
    errorNum,
    code,
    offset: 0,
    isRecoverable: false,
    ...extra,
  });
}

/** A driver (NJS) error as node-oracledb builds it (errors.js getErr). */
function njs(n: number, text: string): Error {
  const code = `NJS-${n}`;
  return Object.assign(new Error(`${code}: ${text}`), { code, isRecoverable: n === 500 });
}

/** What thin mode does with ORA-03113: code becomes NJS-500, errorNum stays, both lines kept. */
function lostConnection(): Error {
  return Object.assign(
    new Error('NJS-500: connection to Oracle Database was closed or broken\nORA-03113: end-of-file on communication channel'),
    { errorNum: 3113, code: 'NJS-500', isRecoverable: true },
  );
}

describe('classifyOracleError', () => {
  test('connection loss, killed sessions and instance shutdown are transient', () => {
    for (const n of [3113, 3114, 3135, 12537, 12570, 28, 1012, 1089, 1092, 12514, 12541, 54]) {
      const c = classifyOracleError(ora(n, 'x'));
      assert.equal(c.kind, 'transient', `ORA-${n}`);
      assert.equal(c.code, `ORA-${String(n).padStart(5, '0')}`);
      assert.ok(c.explanation.length > 20);
    }
  });

  test('NJS network codes are transient', () => {
    for (const n of [500, 501, 503, 510, 511, 518, 521]) {
      const c = classifyOracleError(njs(n, 'connection trouble'));
      assert.equal(c.kind, 'transient', `NJS-${n}`);
      assert.equal(c.code, `NJS-${n}`);
    }
  });

  test('thin mode’s NJS-500 over ORA-03113 reports the ORA code and is transient', () => {
    const c = classifyOracleError(lostConnection());
    assert.deepEqual([c.kind, c.code], ['transient', 'ORA-03113']);
  });

  test('an ORA code unknown to orb but wrapped in NJS-500 (ORA-00603) is transient', () => {
    const e = Object.assign(new Error('NJS-500: connection to Oracle Database was closed or broken\nORA-00603: ORACLE server session terminated by fatal error'), {
      errorNum: 603,
      code: 'NJS-500',
      isRecoverable: true,
    });
    assert.deepEqual([classifyOracleError(e).kind, classifyOracleError(e).code], ['transient', 'ORA-00603']);
  });

  test('ORA-00600 is permanent even though the driver reports it as NJS-500', () => {
    const e = Object.assign(new Error('NJS-500: connection to Oracle Database was closed or broken\nORA-00600: internal error code, arguments: [kpdbfCopy]'), {
      errorNum: 600,
      code: 'NJS-500',
      isRecoverable: true,
    });
    const c = classifyOracleError(e);
    assert.deepEqual([c.kind, c.code], ['permanent', 'ORA-00600']);
  });

  test('isRecoverable marks an otherwise unknown error transient', () => {
    const c = classifyOracleError(ora(99999, 'something odd', { isRecoverable: true }));
    assert.deepEqual([c.kind, c.code], ['transient', 'ORA-99999']);
    assert.equal(classifyOracleError(ora(99999, 'something odd')).kind, 'permanent');
  });

  test('a known permanent code stays permanent even if flagged recoverable', () => {
    assert.equal(classifyOracleError(ora(1031, 'insufficient privileges', { isRecoverable: true })).kind, 'permanent');
  });

  test('already-done codes are idempotent', () => {
    for (const n of [65019, 65020, 44311, 44303, 44305]) {
      assert.equal(classifyOracleError(ora(n, 'x')).kind, 'idempotent', `ORA-${n}`);
    }
  });

  test('configuration and state problems are permanent, with a DBA sentence', () => {
    for (const n of [65035, 65040, 65179, 1031, 14910, 2019, 44304, 44791, 65012, 25408, 1017]) {
      const c = classifyOracleError(ora(n, 'x'));
      assert.equal(c.kind, 'permanent', `ORA-${n}`);
      assert.match(c.explanation, /\w+ \w+ \w+/);
    }
    assert.match(classifyOracleError(ora(25408, 'can not safely replay call')).explanation, /committed/);
  });

  test('ORA-17627 family: classified by the remote side’s code', () => {
    const transient = ora(17627, 'ORA-12541: TNS:no listener\nORA-17629: Cannot connect to the remote database server');
    const c1 = classifyOracleError(transient);
    assert.deepEqual([c1.kind, c1.code, c1.nestedCode], ['transient', 'ORA-17627', 'ORA-12541']);
    assert.match(c1.explanation, /ORA-12541/);

    const permanent = ora(17628, 'Oracle error 1031 returned by remote Oracle server\nORA-01031: insufficient privileges');
    const c2 = classifyOracleError(permanent);
    assert.deepEqual([c2.kind, c2.code, c2.nestedCode], ['permanent', 'ORA-17628', 'ORA-01031']);

    const bare = classifyOracleError(ora(17629, 'Cannot connect to the remote database server'));
    assert.deepEqual([bare.kind, bare.nestedCode], ['permanent', undefined]);
  });

  test('errors from the source side of CREATE ... RELOCATE, as node-oracledb gives them: by the nested code', () => {
    // ORA-17628 then the remote error on its own line (shared/reference/oracle-ops.md).
    const wrapped = (n: number, text: string) => ora(17628, `Oracle error ${n} returned by remote Oracle server\nORA-${String(n).padStart(5, '0')}: ${text}`);
    const cases: [Error, string, string][] = [
      [wrapped(1031, 'insufficient privileges'), 'permanent', 'ORA-01031'],
      [wrapped(65035, 'unable to create pluggable database from SALES@CDB1_LINK'), 'permanent', 'ORA-65035'],
      [wrapped(3113, 'end-of-file on communication channel'), 'transient', 'ORA-03113'],
      [wrapped(3135, 'connection lost contact'), 'transient', 'ORA-03135'],
      [ora(17627, 'ORA-01017: invalid username/password; logon denied\nORA-17629: Cannot connect to the remote database server'), 'permanent', 'ORA-01017'],
      [ora(17627, 'ORA-12514: TNS:listener does not currently know of service requested\nORA-17629: Cannot connect to the remote database server'), 'transient', 'ORA-12514'],
      [ora(17629, 'Cannot connect to the remote database server\nORA-03113: end-of-file on communication channel'), 'transient', 'ORA-03113'],
    ];
    for (const [err, kind, nested] of cases) {
      const c = classifyOracleError(err);
      assert.deepEqual([c.kind, c.nestedCode], [kind, nested], err.message);
      assert.equal(toActivityError(err, 'relocating').nonRetryable, kind !== 'transient', err.message);
    }
  });

  test('an ORA-17628 cut before its nested line is classified by the number in its own text', () => {
    const c = classifyOracleError(ora(17628, 'Oracle error 3113 returned by remote Oracle server'));
    assert.deepEqual([c.kind, c.code, c.nestedCode], ['transient', 'ORA-17628', 'ORA-03113']);
    const p = classifyOracleError(new OracleError('ORA-17628', 'ORA-17628: Oracle error 1031 returned by remote Oracle server'));
    assert.deepEqual([p.kind, p.nestedCode], ['permanent', 'ORA-01031']);
  });

  test('the lab’s wrapped errors (OracleError over HTTP) classify the same way', () => {
    const lab = new OracleError('ORA-17628', 'ORA-17628: Oracle error 3113 returned by remote Oracle server\nORA-03113: end-of-file on communication channel (injected transient fault #3 on createPdbRelocate)');
    assert.deepEqual([classifyOracleError(lab).kind, classifyOracleError(lab).nestedCode], ['transient', 'ORA-03113']);
    const logon = new OracleError('ORA-17627', 'ORA-17627: ORA-01017: invalid username/password; logon denied\nORA-17629: Cannot connect to the remote database server');
    assert.deepEqual([classifyOracleError(logon).kind, classifyOracleError(logon).nestedCode], ['permanent', 'ORA-01017']);
    assert.match(toActivityError(logon, 'relocating SALES').message, /ORA-17627 \(remote ORA-01017\)/);
  });

  test('the lab adapter’s OracleError classifies like a driver error', () => {
    assert.equal(classifyOracleError(new OracleError('ORA-03113', 'end-of-file on communication channel')).kind, 'transient');
    assert.equal(classifyOracleError(new OracleError('NJS-518', 'service not registered')).kind, 'transient');
    const c = classifyOracleError(new OracleError('ORA-65012', 'Pluggable database SALES already exists'));
    assert.deepEqual([c.kind, c.code], ['permanent', 'ORA-65012']);
  });

  test('network failures of fetch (lab) are transient', () => {
    const fetchFailed = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7480'), { code: 'ECONNREFUSED' }) });
    assert.deepEqual([classifyOracleError(fetchFailed).kind, classifyOracleError(fetchFailed).code], ['transient', 'ECONNREFUSED']);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    assert.equal(classifyOracleError(reset).kind, 'transient');
  });

  test('unknown errors are permanent; odd values do not throw', () => {
    const c = classifyOracleError(new Error('something broke'));
    assert.deepEqual([c.kind, c.code], ['permanent', 'UNKNOWN']);
    for (const v of [undefined, null, 42, 'ORA-03113: text', { message: 5 }]) {
      assert.doesNotThrow(() => classifyOracleError(v));
    }
    assert.equal(classifyOracleError('ORA-03113: end-of-file').kind, 'transient');
  });

  test('InputError is permanent', () => {
    const c = classifyOracleError(new InputError('cdbs.CDB1.password', 'environment variable X is not set'));
    assert.deepEqual([c.kind, c.code], ['permanent', 'InputError']);
  });
});

describe('isIdempotentSuccess', () => {
  test('without codes: any idempotent code', () => {
    assert.equal(isIdempotentSuccess(ora(65019, 'Pluggable database SALES already open')), true);
    assert.equal(isIdempotentSuccess(ora(65012, 'exists')), false);
    assert.equal(isIdempotentSuccess(lostConnection()), false);
  });

  test('with codes: only those (string, bare number string or number)', () => {
    const open = ora(65019, 'already open');
    assert.equal(isIdempotentSuccess(open, 'ORA-65019'), true);
    assert.equal(isIdempotentSuccess(open, 65019), true);
    assert.equal(isIdempotentSuccess(open, '65019'), true);
    assert.equal(isIdempotentSuccess(open, 'ORA-44311'), false);
    assert.equal(isIdempotentSuccess(ora(65012, 'exists'), 'ORA-65012'), true, 'caller decides after checking CDB_PDBS');
    assert.equal(isIdempotentSuccess(ora(17628, 'ORA-44311: service not running'), 44311), true, 'nested code counts');
  });
});

describe('toActivityError', () => {
  test('transient → retryable ApplicationFailure carrying the code', () => {
    const f = toActivityError(lostConnection(), 'openPdb SALES on CDB2');
    assert.ok(f instanceof ApplicationFailure);
    assert.equal(f.nonRetryable, false);
    assert.equal(f.type, 'ORA-03113');
    assert.match(f.message, /^openPdb SALES on CDB2: ORA-03113/);
    assert.deepEqual((f.details?.[0] as { code: string; kind: string }).code, 'ORA-03113');
    assert.equal((f.details?.[0] as { kind: string }).kind, 'transient');
  });

  test('permanent → nonRetryable with a sentence naming the ORA code, type = code', () => {
    const err = ora(65035, 'unable to create pluggable database from SALES');
    const f = toActivityError(err, 'createPdbRelocate SALES on CDB2');
    assert.equal(f.nonRetryable, true);
    assert.equal(f.type, 'ORA-65035');
    assert.match(f.message, /ORA-65035/);
    assert.match(f.message, /local undo/);
    assert.match(f.message, /unable to create pluggable database/);
    assert.doesNotMatch(f.message, /Help: /);
    assert.equal(f.cause, err);
    assert.deepEqual(f.details?.[0], {
      code: 'ORA-65035',
      kind: 'permanent',
      context: 'createPdbRelocate SALES on CDB2',
      explanation: classifyOracleError(err).explanation,
      message: err.message,
    });
  });

  test('nested link errors name both codes', () => {
    const f = toActivityError(ora(17627, 'ORA-01031: insufficient privileges'), 'createPdbRelocate');
    assert.equal(f.nonRetryable, true);
    assert.match(f.message, /ORA-17627 \(remote ORA-01031\)/);
    assert.equal((f.details?.[0] as { nestedCode: string }).nestedCode, 'ORA-01031');
  });

  test('unhandled idempotent codes are not retried; unknown errors get type OracleError', () => {
    assert.equal(toActivityError(ora(65019, 'already open'), 'x').nonRetryable, true);
    const u = toActivityError(new Error('boom'), 'x');
    assert.equal(u.type, 'OracleError');
    assert.equal(u.nonRetryable, true);
  });

  test('an ApplicationFailure passes through unchanged', () => {
    const a = ApplicationFailure.nonRetryable('already decided', 'Whatever');
    assert.equal(toActivityError(a, 'x'), a);
  });
});
