/**
 * Readers of `srvctl status service` and `srvctl status instance|database`. Strict on the lines
 * they know (a "Service ..." or "Instance ..." line that does not parse is an error, and so is a
 * name outside orb's allow-lists), tolerant of any other line (warnings, blank lines).
 *
 * Formats, as srvctl 12.2-19c prints them (Oracle's examples and DBAs' published transcripts):
 *   Service racpdb is running on instance(s) RACDB1,RACDB2
 *   Service soepdb is not running.
 *   Instance raccdb1 is running on node racnode1
 *   Instance nplprod1 is not running on node PDB-RAC1
 * 10g/11g printed "RPTS3, RPTS2" (a blank after the comma): accepted. With -verbose, 12c+ appends
 * to the instance line (e.g. ". Instance status: Open." or " with online services a,b"): UNVERIFIED
 * exact wording, so anything after the node name is kept as `detail` and not interpreted.
 * Policy-managed databases print "is running on nodes: ..." for services: refused (orb drives
 * administrator-managed RAC databases, by instance).
 */
import { isInstanceName, isNodeName, isServiceName } from './names';
import { SrvctlOutputError } from './output-error';

export interface ServiceStatus {
  service: string;
  running: boolean;
  /** The instances it runs on (empty when not running) */
  instances: string[];
}

export interface InstanceStatus {
  instance: string;
  node: string;
  running: boolean;
  /** Whatever follows the node name (-verbose), uninterpreted */
  detail?: string;
}

function lines(out: string): string[] {
  return out.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
}

const SERVICE_RUNNING = /^Service (\S+) is running on instance\(s\)\s+(.+?)\.?$/;
const SERVICE_STOPPED = /^Service (\S+) is not running\.?$/;
const SERVICE_ON_NODES = /^Service (\S+) is running on nodes?:/;

function instanceList(what: string, text: string, line: string): string[] {
  const names = text.split(',').map((n) => n.trim());
  for (const n of names) if (!isInstanceName(n)) throw new SrvctlOutputError(what, `${JSON.stringify(n)} is not an instance name orb accepts`, line);
  return names;
}

function serviceName(what: string, name: string, line: string): string {
  if (!isServiceName(name)) throw new SrvctlOutputError(what, `${JSON.stringify(name)} is not a service name orb accepts`, line);
  return name;
}

function serviceLine(line: string): ServiceStatus {
  const what = 'srvctl status service';
  const running = SERVICE_RUNNING.exec(line);
  if (running) {
    return { service: serviceName(what, running[1]!, line), running: true, instances: instanceList(what, running[2]!, line) };
  }
  const stopped = SERVICE_STOPPED.exec(line);
  if (stopped) return { service: serviceName(what, stopped[1]!, line), running: false, instances: [] };
  if (SERVICE_ON_NODES.test(line)) {
    const why = 'the service is placed by node (a policy-managed database): orb drives administrator-managed databases by instance';
    throw new SrvctlOutputError(what, why, line);
  }
  throw new SrvctlOutputError(what, 'a service line of an unknown form', line);
}

/** Every "Service ..." line of `srvctl status service` output, in order. */
export function parseServiceStatus(stdout: string): ServiceStatus[] {
  return lines(stdout).filter((l) => l.startsWith('Service ')).map(serviceLine);
}

/** The status of one service, or an error if the output does not mention it (case-insensitive). */
export function serviceStatusOf(stdout: string, service: string): ServiceStatus {
  const found = parseServiceStatus(stdout).find((s) => s.service.toLowerCase() === service.toLowerCase());
  if (!found) throw new SrvctlOutputError('srvctl status service', `the output does not mention service ${service}`);
  return found;
}

const INSTANCE_LINE = /^Instance (\S+) is (not )?running on node (\S+?)\.?(?:\s+(.*))?$/;

function instanceLine(line: string): InstanceStatus {
  const what = 'srvctl status instance';
  const m = INSTANCE_LINE.exec(line);
  if (!m) throw new SrvctlOutputError(what, 'an instance line of an unknown form', line);
  const [, instance, not, node, detail] = m;
  if (!isInstanceName(instance!)) throw new SrvctlOutputError(what, `${JSON.stringify(instance)} is not an instance name orb accepts`, line);
  if (!isNodeName(node!)) throw new SrvctlOutputError(what, `${JSON.stringify(node)} is not a node name orb accepts`, line);
  return { instance: instance!, node: node!, running: not === undefined, ...(detail ? { detail } : {}) };
}

/** Every "Instance ..." line of `srvctl status instance` or `srvctl status database` output. */
export function parseInstanceStatus(stdout: string): InstanceStatus[] {
  return lines(stdout).filter((l) => l.startsWith('Instance ')).map(instanceLine);
}
