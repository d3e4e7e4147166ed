import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Path of the Temporal CLI the tests run as their dev server (scripts/temporal-cli.sh finds or builds it). */
export function temporalCliPath(): string {
  if (process.env.ORB_TEMPORAL_CLI) return process.env.ORB_TEMPORAL_CLI;
  const script = join(__dirname, '..', '..', '..', 'scripts', 'temporal-cli.sh');
  const path = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  process.env.ORB_TEMPORAL_CLI = path;
  return path;
}
