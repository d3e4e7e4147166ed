/** Injected faults: armed by POST /faults, matched on each operation call. */
import { sameName } from './estate';
import type { LabFault, LabState } from './model';
import type { FaultBody } from './schemas';

export function armFault(state: LabState, body: FaultBody): LabFault {
  const fault: LabFault = {
    id: state.nextId++,
    op: body.op,
    cdb: body.cdb?.toUpperCase() ?? null,
    object: body.object ?? null,
    kind: body.kind,
    ora: body.ora,
    nested: body.nested ?? null,
    remaining: body.times ?? (body.kind === 'transient' ? 1 : null),
    at: body.at ?? null,
    when: body.when ?? 'before',
    fired: 0,
  };
  state.faults.push(fault);
  return fault;
}

/** Arms a fault from its distinctive fields; the rest take their defaults (no nesting, no time, none fired yet). */
export function pushFault(state: LabState, f: Pick<LabFault, 'op' | 'kind' | 'ora'> & Partial<LabFault>): LabFault {
  const fault: LabFault = { id: state.nextId++, cdb: null, object: null, nested: null, remaining: null, at: null, when: 'before', fired: 0, ...f };
  state.faults.push(fault);
  return fault;
}

/** Every object a call names (PDB, service, link, user): a fault's `object` may match any of them. */
export function objectsOf(args: Record<string, unknown>): string[] {
  return ['pdb', 'service', 'link', 'dbLink', 'username'].map((k) => args[k]).filter((v): v is string => typeof v === 'string');
}

/** First armed fault matching the call; consumes one firing. */
export function takeFault(state: LabState, op: string, cdb: string, args: Record<string, unknown>): LabFault | null {
  return takeFaultOn(state, op, cdb, objectsOf(args));
}

/** First armed fault for `op` on `cdb` naming one of `objects` (or none); consumes one firing. */
export function takeFaultOn(state: LabState, op: string, cdb: string, objects: string[]): LabFault | null {
  const fault = state.faults.find(
    (f) =>
      (f.remaining === null || f.remaining > 0) &&
      f.op === op &&
      (f.cdb === null || sameName(f.cdb, cdb)) &&
      (f.object === null || objects.some((o) => sameName(f.object!, o))),
  );
  if (!fault) return null;
  if (fault.remaining !== null) fault.remaining -= 1;
  fault.fired += 1;
  return fault;
}
