import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Path of the Temporal CLI the tests run as their dev server (scripts/temporal-cli.sh finds or builds it). */
export function temporalCliPath(): string {
  if (process.env.ORB_TEMPORAL_CLI) return process.env.ORB_TEMPORAL_CLI;
  const script = join(__dirname, '..', '..', '..', 'scripts', 'temporal-cli.sh');
  const path = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  process.env.ORB_TEMPORAL_CLI = path;
  return path;
}

export interface TemporalRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `temporal` CLI against `address` (no config file, no profile), as an operator would. */
export function temporal(address: string, args: string[], timeoutMs = 30_000): Promise<TemporalRun> {
  return new Promise((resolve) => {
    execFile(
      temporalCliPath(),
      [...args, '--address', address],
      { env: { ...process.env, TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml', TEMPORAL_PROFILE: '' }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
