/**
 * One instance's turn of a rolling maintenance (common/rac/instance-steps.ts): which services leave how, the
 * srvctl command lines sent (the same the plan shows), and the preflight rule that no service may be left
 * with nowhere to run.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { instanceTurn, servicesWithoutRefuge } from '../common/rac/instance-steps';
import type { RacFacts } from '../common/rac/rac-facts';
import { srvctlCommandLine } from '../common/srvctl/srvctl-argv';

const SRVCTL = '/u01/app/19.0.0/grid/bin/srvctl';
const facts: RacFacts = {
  db: 'raccdb',
  instances: [{ name: 'raccdb1', node: 'racnode1', running: true }, { name: 'raccdb2', node: 'racnode2', running: true }],
  services: [
    { name: 'sales_oltp', pdb: 'SALES', preferred: ['raccdb1', 'raccdb2'], available: [], runningOn: ['raccdb1', 'raccdb2'], disabledOn: [] },
    { name: 'sales_batch', pdb: 'SALES', preferred: ['raccdb1'], available: ['raccdb2'], runningOn: ['raccdb1'], disabledOn: [] },
    { name: 'hr_rpt', pdb: 'HR', preferred: ['raccdb2'], available: [], runningOn: ['raccdb2'], disabledOn: [] },
  ],
};

describe('rolling maintenance: one instance\'s turn', () => {
  it('relocates a singleton, stops a uniform service without -force, leaves others alone', () => {
    const t = instanceTurn(facts, 'raccdb1', { timeoutS: 300, stopOption: 'NONE' });
    assert.deepEqual(t.moves, [{ service: 'sales_oltp', how: 'stop' }, { service: 'sales_batch', how: 'relocate', to: 'raccdb2' }]);
    assert.deepEqual(t.leave.map((c) => srvctlCommandLine(SRVCTL, c)), [
      `${SRVCTL} stop service -db raccdb -service sales_oltp -instance raccdb1 -stopoption NONE -drain_timeout 300`,
      `${SRVCTL} relocate service -db raccdb -service sales_batch -oldinst raccdb1 -newinst raccdb2 -drain_timeout 300`,
    ]);
    assert.ok(t.leave.every((c) => !('force' in c)), 'never -force');
    assert.equal(srvctlCommandLine(SRVCTL, t.stopInstance), `${SRVCTL} stop instance -db raccdb -instance raccdb1 -stopoption IMMEDIATE`);
    assert.deepEqual(t.returnServices.map((c) => srvctlCommandLine(SRVCTL, c)), [
      `${SRVCTL} start service -db raccdb -service sales_oltp -instance raccdb1`,
      `${SRVCTL} relocate service -db raccdb -service sales_batch -oldinst raccdb2 -newinst raccdb1 -drain_timeout 300`,
    ]);
  });

  it('refuses a turn that would leave a service running nowhere', () => {
    assert.deepEqual(servicesWithoutRefuge(facts, 'raccdb2'), ['hr_rpt']);
    assert.deepEqual(servicesWithoutRefuge(facts, 'raccdb1'), []);
  });
});
