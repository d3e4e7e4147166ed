/**
 * Help texts of `orb approve`, `orb reject` and `orb cancel`, which act on runs of every runbook:
 * what each does, runbook by runbook (the workflows decide; these texts say what they decide).
 */

const WHO = [
  '',
  'Who: --by defaults to $ORB_USER, else the OS user (as --started-by does). Anyone the gate names may',
  'approve it; the person who started the run may not, unless the run allows self-approval. Anyone the',
  'gate names, and the person who started the run, may reject it. A decision the gate refuses changes',
  'nothing and exits 2 with the reason.',
].join('\n');

export const REJECT_NO_CHOICE =
  'is for orb approve only: a rejection chooses nothing (at a consumer-<name> gate it skips the consumer, ' +
  'as orb approve --choice skip does)';

export const DECISION_HELP = {
  approve: {
    description: 'approve the open gate of a run (orb status shows it, its question and who may approve it)',
    after: [
      WHO,
      '',
      'Choices: a gate that offers them takes --choice (default the first). consumer-<name> gates of the',
      'Autonomous Database runbooks offer retry, skip and (switchover-adb only) switch-back.',
    ].join('\n'),
  },
  reject: {
    description: 'reject the open gate of a run: what follows depends on the runbook and the gate (orb reject --help)',
    after: [
      WHO,
      '',
      'What a rejection does:',
      '  relocate-pdb   copy, cutover, drain-timeout: the run stops and compensates (the copy on the target',
      '                 is dropped, the source stays open READ WRITE with its services).',
      '                 upgrade, recover-<stage> (after the open): the run stops, leaves the estate as it is',
      '                 and lists what is left to do by hand (recover-open restores the source when it can).',
      '                 drop-tombstone: the tombstone is kept and the run completes.',
      '  switchover-adb, failover-adb',
      '                 switchover / failover: the run ends before the role change; nothing was changed.',
      '  switchover-adb, failover-adb, propagate-wallet',
      '                 consumer-<name>: that consumer is skipped, left as orb status shows it (restored after',
      '                 a failed update or test; holding the new wallet after a failed reactivation); the others',
      '                 go on.',
      'A rejection takes no --choice.',
    ].join('\n'),
  },
} as const;

export const CANCEL_DESCRIPTION =
  'cancel a run: what it undoes depends on the runbook and how far the run got (orb cancel says which, see --help)';

export const CANCEL_HELP = [
  '',
  "orb cancel reads the run's status first and says what the cancellation will do:",
  '  relocate-pdb   before the PDB is opened on the target the run stops and compensates (drops the copy',
  '                 on the target, leaves the source open READ WRITE with its services). From the open on',
  '                 the PDB is live on the target: the run records the request and carries on.',
  '  switchover-adb, failover-adb',
  '                 before the role change is requested the run stops and nothing is changed. From the',
  '                 request on nothing is undone: OCI completes a role change it accepted (a cancel does',
  '                 not reach it), there is no switch back, and the run stops where it is: consumers',
  "                 updated so far keep the new primary's wallet, the others keep the old one until",
  '                 propagate-wallet runs for the database.',
  '  propagate-wallet',
  '                 before the consumers are updated the run stops and nothing is changed; after, it stops',
  '                 where it is: consumers updated so far keep the new wallet, the others keep what they',
  '                 had (start propagate-wallet again to finish). Nothing is restored.',
  '  A consumer being updated when the cancellation arrives may be left holding the new wallet untested:',
  '  orb status lists each consumer.',
  '  rolling-maintenance',
  '                 an instance not yet maintained is put back (started, its services back); a maintenance',
  '                 command under way is let finish, then its instance comes back; no further instance starts.',
  '  client-readiness',
  '                 before its fixes are applied nothing is changed; after, the fixes applied are put back.',
  '',
  '--wait: exit 0 once the run has ended cancelled (stopped by the cancellation; an ADB run says what it',
  'left changed) or compensated; 1 if it completed anyway (relocate-pdb: the cancellation came after the',
  'open), failed for another reason, or (relocate-pdb) its compensation did not finish.',
].join('\n');
