/**
 * Output written to a pipe is complete. A pipe takes 64 KiB at a time; an orb that exits right
 * after writing more than that used to cut its output there (`orb list --json | jq` failed on
 * half a document). A real Temporal dev server with a few hundred orb runs (no worker needed:
 * they are listed, not run), and `orb list --json` through bin/orb and through
 * dist/client/cli.js, each with its stdout a real pipe: `orb ... | cat` in bash (node's own
 * child stdio is a socket pair, whose larger buffer would hide the cut).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ListedRun } from '../client/runbooks';
import { ALL_SEARCH_ATTRIBUTES, OrbRunbook, OrbStage } from '../common/search-attributes';
import { CLI, ORB_BIN } from './helpers/processes';
import { temporalCliPath } from './helpers/temporal-cli';
import { until } from './helpers/until';

const RUNS = 300; // about 360 bytes each in `orb list --json`: well over 64 KiB
const PIPE_CHUNK = 64 * 1024;

let env: TestWorkflowEnvironment;

/** `node <entry> ...args | cat` (bash, pipefail: orb's exit code); resolves with what came through the pipe. */
function throughPipe(entry: string, args: string[], cliEnv: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const script = ['-c', 'set -o pipefail; "$@" | cat', 'orb-into-a-pipe', process.execPath, entry, ...args];
    const child = spawn('bash', script, { env: cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('piped output is complete', () => {
  before(async () => {
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCliPath() },
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        log: { format: 'pretty', level: 'error' },
      },
    });
    for (let i = 0; i < RUNS; i++) {
      await env.client.workflow.start('relocatePdb', {
        taskQueue: 'no-worker-here',
        workflowId: `relocate-pdb:CDB1:PDB${i}`,
        args: [{}],
        typedSearchAttributes: [
          { key: OrbRunbook, value: 'relocate-pdb' },
          { key: OrbStage, value: 'preflight' },
        ],
      });
    }
    await until('every run to be visible', async () => (await env.client.workflow.count('OrbRunbook IS NOT NULL')).count, (n) => n === RUNS, 60_000);
  });
  after(async () => {
    await env?.teardown();
  });

  for (const [name, entry] of [['bin/orb', ORB_BIN], ['dist/client/cli.js', CLI]] as const) {
    test(`${name} list --json into a pipe: every run, valid JSON`, async () => {
      const cliEnv: NodeJS.ProcessEnv = {
        ...process.env,
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml',
      };
      delete cliEnv.TEMPORAL_PROFILE;
      delete cliEnv.TEMPORAL_API_KEY;
      const r = await throughPipe(entry, ['list', '--json', '--limit', '1000'], cliEnv);
      assert.equal(r.code, 0, r.stderr);
      const bytes = Buffer.byteLength(r.stdout);
      assert.ok(r.stdout.trimEnd().endsWith(']'), `the output is cut short after ${bytes} bytes`);
      const runs = JSON.parse(r.stdout) as ListedRun[];
      assert.equal(runs.length, RUNS);
      assert.equal(new Set(runs.map((w) => w.workflowId)).size, RUNS);
      assert.ok(bytes > PIPE_CHUNK, `the output (${bytes} bytes) is more than a pipe takes at a time`);
    });
  }
});
