/**
 * Faults on srvctl commands (POST /faults with `srvctl`): the next `<verb> <noun>` on a cluster
 * database (and naming an object, if given: a service or instance) fails with a CRS / PRCx error,
 * or hangs (never answers until the client gives up). `when: "before"`: nothing changes;
 * `when: "after"`: the command does its work (drain, shutdown...) and then fails or hangs.
 * Armed into LabState.faults with op "srvctl <verb> <noun>", so GET / DELETE /faults list and disarm them.
 */
import { takeFaultOn } from '../faults';
import type { LabFault, LabState } from '../model';
import type { SrvctlFaultBody } from '../schemas';
import { msg } from './srvctl/srvctl-messages';

export function isSrvctlFaultBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'srvctl' in body;
}

export function armSrvctlFault(state: LabState, body: SrvctlFaultBody): LabFault {
  const fault: LabFault = {
    id: state.nextId++,
    op: `srvctl ${body.srvctl}`,
    cdb: body.cdb?.toUpperCase() ?? null,
    object: body.object ?? null,
    kind: body.kind,
    ora: body.code ?? 'CRS-0184',
    nested: null,
    remaining: body.times ?? (body.kind === 'transient' ? 1 : null),
    at: null,
    when: body.when ?? 'before',
    fired: 0,
    hang: body.hang ?? false,
    message: body.message ?? null,
  };
  state.faults.push(fault);
  return fault;
}

/** First armed fault for the command; consumes one firing. `objects`: the services / instances it names. */
export function takeSrvctlFault(state: LabState, key: string, cdb: string, objects: string[]): LabFault | null {
  return takeFaultOn(state, `srvctl ${key}`, cdb, objects);
}

const TEMPLATES: Record<string, (res: string, node: string) => string> = {
  'CRS-2674': (res, node) => `Start of '${res}' on '${node}' failed`,
  'CRS-2675': (res, node) => `Stop of '${res}' on '${node}' failed`,
  'CRS-0184': () => 'Cannot communicate with the CRS daemon.',
};

/** The lines a failing command prints: srvctl's start / stop failure lines around the injected error. */
export function faultLines(fault: LabFault, verb: string, res: string, node: string): string[] {
  const code = fault.ora;
  const text = fault.message ?? TEMPLATES[code]?.(res, node) ?? `injected fault #${fault.id} on srvctl ${fault.op.slice(7)}`;
  const cause = code.startsWith('CRS-') ? msg.crsLine(code, text) : msg.prcLine(code, text);
  if (!code.startsWith('CRS-')) return [cause];
  if (verb === 'start') return msg.startFailed(res, node, cause);
  if (verb === 'stop') return msg.stopFailed(res, node, cause);
  return [cause];
}
