import type { SrvctlCommand } from '../../common/srvctl/commands';
import { srvctlArgv } from '../../common/srvctl/srvctl-argv';

/**
 * "srvctl stop service -db raccdb -service X ..." for the Web UI; a command the builder refuses is the activity's
 * error, not this one's.
 */
export function srvctlSummary(command: SrvctlCommand, what: string): string {
  try {
    return `srvctl ${srvctlArgv(command).join(' ')}`;
  } catch {
    return `${what}: srvctl ${command.kind.replace('-', ' ')}`;
  }
}
