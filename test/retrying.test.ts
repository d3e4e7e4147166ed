/**
 * How a pending activity from DescribeWorkflowExecution becomes what orb status says: the code
 * of the last error (the failure's type when it is a code, else the first ORA/NJS code in the
 * message), timeouts, when the next attempt is, and the first attempt left out.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { msNumberToTs } from '@temporalio/common/lib/time';
import { activityError, retryingActivities } from '../client/retrying';
import { renderRetrying, retryProgressLine, retryingSummary } from '../client/render';

const ts = (iso: string) => msNumberToTs(Date.parse(iso));

describe('retrying activities', () => {
  it('takes the code from the failure type, else from the message', () => {
    const app = (type: string, message: string) => activityError({ message, applicationFailureInfo: { type } });
    assert.equal(app('ORA-03113', 'reading both CDBs: ORA-03113: ...')?.code, 'ORA-03113');
    assert.equal(app('ECONNREFUSED', 'reading both CDBs: ECONNREFUSED: the endpoint could not be reached')?.code, 'ECONNREFUSED');
    assert.equal(app('OracleError', 'opening SALES: NJS-511: connection refused')?.code, 'NJS-511');
    assert.equal(app('Error', 'something else')?.code, null);
    const timeout = activityError({ message: 'activity StartToClose timeout', timeoutFailureInfo: { timeoutType: 1 } });
    assert.deepEqual(timeout, { message: 'activity StartToClose timeout', code: null, type: 'timeout (start-to-close)' });
    assert.equal(activityError(null), null);
  });

  it('lists only activities that failed at least once, with the next attempt and the last error', () => {
    const list = retryingActivities(
      [
        { activityType: { name: 'progressOfCopy' }, attempt: 1, state: 2 },
        {
          activityType: { name: 'preflightRelocation' },
          attempt: 3,
          maximumAttempts: 20,
          state: 1,
          nextAttemptScheduleTime: ts('2025-01-01T10:00:04Z'),
          lastAttemptCompleteTime: ts('2025-01-01T10:00:00Z'),
          lastWorkerIdentity: '42@host',
          lastFailure: { message: 'reading both CDBs for preflight: ORA-03113: connection lost', applicationFailureInfo: { type: 'ORA-03113' } },
        },
      ],
      'preflight',
    );
    assert.equal(list.length, 1);
    const a = list[0]!;
    assert.deepEqual(
      [a.activity, a.stage, a.attempt, a.maximumAttempts, a.state, a.nextAttemptAt, a.lastAttemptEndedAt, a.lastWorker],
      ['preflightRelocation', 'preflight', 3, 20, 'waiting', '2025-01-01T10:00:04.000Z', '2025-01-01T10:00:00.000Z', '42@host'],
    );
    const now = Date.parse('2025-01-01T10:00:01Z');
    assert.deepEqual(renderRetrying(list, '  ', now), [
      '  retrying: stage preflight, activity preflightRelocation: attempt 3 of 20, next attempt at 10:00:04 UTC (in 3s)',
      '    last error (ORA-03113, at 10:00:00 UTC) reading both CDBs for preflight: ORA-03113: connection lost',
    ]);
    assert.equal(retryingSummary(list), 'retrying (attempt 3 of 20, ORA-03113)');
    assert.equal(retryingSummary(null), '');
    assert.match(retryProgressLine([], list) ?? '', /^preflightRelocation retrying: attempt 3 of 20, next attempt at 10:00:04 UTC/);
    assert.equal(retryProgressLine(list, list), null, 'the same attempt is not printed twice');
  });
});
