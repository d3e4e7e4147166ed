/** Cloud faults (POST /faults with `service`): armed into `cloud.faults`, taken by Lab.cloudCall. */
import type { LabCloudFault } from '../cloud-model';
import type { LabState } from '../model';
import type { CloudFaultBody } from '../schemas';

export function isCloudFaultBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'service' in body;
}

export function armCloudFault(state: LabState, body: CloudFaultBody): LabCloudFault {
  const fault: LabCloudFault = {
    id: state.nextId++,
    service: body.service,
    op: body.op,
    target: body.target ?? null,
    kind: body.kind,
    status: body.status,
    code: body.code,
    remaining: body.times ?? (body.kind === 'transient' ? 1 : null),
    when: body.when ?? 'before',
    fired: 0,
  };
  state.cloud.faults.push(fault);
  return fault;
}
