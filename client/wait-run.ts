/** `--wait` after a start: follow the run (one line per change), then show how it ended and exit by it. */
import type { Client } from '@temporalio/client';
import type { TemporalSettings } from './connection';
import { runFollower } from './render';
import { runExitCode, waitForRun, type RunStatus, type StartedRun } from './runbooks';

export interface WaitContext {
  out(line: string): void;
  setExit(code: number): void;
  renderRun(r: RunStatus, s: TemporalSettings): string;
}

export async function waitAndShow(client: Client, s: TemporalSettings, started: StartedRun, json: boolean, ctx: WaitContext): Promise<void> {
  const follow = runFollower(ctx.out);
  const final = await waitForRun(client, s, started.workflowId, (r) => (json ? undefined : follow(r)));
  ctx.out(json ? JSON.stringify({ ...started, final }, null, 2) : `\n${ctx.renderRun(final, s)}`);
  ctx.setExit(runExitCode(final));
}
