/**
 * srvctl's error lines, as srvctl prints them: "PRCx-nnnn : text" (space, colon) for PRCx / PRKx
 * codes, "CRS-nnnn: text" for Clusterware's. srvctl prints them on standard output and exits 1
 * (UNVERIFIED: that no 12.2+ release uses another non-zero code for some of them; shell scripts
 * in the wild match PRCC-1016 / PRCC-1014 on srvctl's standard output).
 *
 * Texts checked against Oracle's error catalogue (docs.oracle.com/en/error-help/db/...) and real
 * terminal output: PRCC-1014 "<name> was already running", PRCC-1016 "<name> was already stopped"
 * (output seen for databases, listeners, VIPs), PRCR-1001/1002/1003/1004/1005, PRCR-1079,
 * CRS-5702, PRCD-1120 (with PRCR-1001 for ora.<db>.db), PRCD-1133 + PRCR-1095 + CRS-2501 (disabled
 * service), PRCD-1396, PRKO-2011. UNVERIFIED (texts from memory, marked so in lab/RAC.md):
 * PRCC-1010/1011/1012/1013/1015/1017 English wording, PRKO-2001, PRKO-2002, PRKO-2007, PRKO-2017,
 * PRCR-1013/1014/1064/1065/1090, CRS-2632, CRS-0184.
 */

export class SrvctlError extends Error {
  override readonly name = 'SrvctlError';
  constructor(readonly lines: string[], readonly exitCode = 1) {
    super(lines.join('\n'));
  }
  /** The first code printed (the error's class) */
  get code(): string {
    return /^([A-Z]{3,4}-\d{4,5})/.exec(this.lines[0] ?? '')?.[1] ?? 'PRKO-2001';
  }
}

const prc = (code: string, text: string) => `${code} : ${text}`;
const crs = (code: string, text: string) => `${code}: ${text}`;

export const msg = {
  syntax: () => [prc('PRKO-2001', 'Invalid command line syntax')],
  invalidOption: (opt: string) => [prc('PRKO-2002', `Invalid command line option: ${opt}`)],
  invalidObject: (noun: string) => [prc('PRKO-2011', `Invalid object specified on command line: ${noun}`)],
  dbNotFound: (db: string) => [
    prc('PRCD-1120', `The resource for database ${db} could not be found.`),
    prc('PRCR-1001', `Resource ora.${db.toLowerCase()}.db does not exist`),
  ],
  serviceNotFound: (svc: string, db: string) => [prc('PRKO-2017', `Service ${svc} does not exist for database ${db}.`)],
  instanceNotFound: (inst: string) => [prc('PRKO-2007', `Invalid instance name: ${inst}`)],
  nodeNotFound: (node: string) => [prc('PRKO-2007', `Invalid node name: ${node}`)],
  alreadyRunning: (name: string, res: string, node: string) => [
    prc('PRCC-1014', `${name} was already running`),
    prc('PRCR-1004', `Resource ${res} is already running`),
    prc('PRCR-1079', `Failed to start resource ${res}`),
    crs('CRS-5702', `Resource '${res}' is already running on '${node}'`),
  ],
  alreadyRunningOn: (name: string, res: string, node: string) => [
    prc('PRCC-1015', `${name} was already running on ${node}`),
    prc('PRCR-1004', `Resource ${res} is already running`),
    prc('PRCR-1079', `Failed to start resource ${res}`),
    crs('CRS-5702', `Resource '${res}' is already running on '${node}'`),
  ],
  alreadyStopped: (name: string, res: string) => [
    prc('PRCC-1016', `${name} was already stopped`),
    prc('PRCR-1005', `Resource ${res} is already stopped`),
  ],
  alreadyStoppedOn: (name: string, res: string, node: string) => [
    prc('PRCC-1017', `${name} was already stopped on ${node}`),
    prc('PRCR-1005', `Resource ${res} is already stopped`),
  ],
  alreadyEnabled: (name: string, res: string, node?: string) => [
    node ? prc('PRCC-1011', `${name} was already enabled on ${node}`) : prc('PRCC-1010', `${name} was already enabled`),
    prc('PRCR-1002', `Resource ${res} is already enabled`),
  ],
  alreadyDisabled: (name: string, res: string, node?: string) => [
    node ? prc('PRCC-1013', `${name} was already disabled on ${node}`) : prc('PRCC-1012', `${name} was already disabled`),
    prc('PRCR-1003', `Resource ${res} is already disabled`),
  ],
  serviceDisabled: (db: string, res: string) => [
    prc('PRCD-1133', `failed to start services for database ${db}`),
    prc('PRCR-1095', `Failed to start resources using filter ((NAME == ${res}) AND (TYPE == ora.service.type))`),
    crs('CRS-2501', `Resource '${res}' is disabled`),
  ],
  serviceCannotPlace: (db: string, res: string) => [
    prc('PRCD-1133', `failed to start services for database ${db}`),
    prc('PRCR-1095', `Failed to start resources using filter ((NAME == ${res}) AND (TYPE == ora.service.type))`),
    crs('CRS-2632', `There are no more servers to try to place resource '${res}' on that would satisfy its placement policy`),
  ],
  instanceDisabled: (res: string, node: string) => [
    prc('PRCR-1013', `Failed to start resource ${res}`),
    prc('PRCR-1064', `Failed to start resource ${res} on node ${node}`),
    crs('CRS-2501', `Resource '${res}' is disabled`),
  ],
  startFailed: (res: string, node: string, cause: string) => [
    prc('PRCR-1013', `Failed to start resource ${res}`),
    prc('PRCR-1064', `Failed to start resource ${res} on node ${node}`),
    cause,
  ],
  stopFailed: (res: string, node: string, cause: string) => [
    prc('PRCR-1014', `Failed to stop resource ${res}`),
    prc('PRCR-1065', `Failed to stop resource ${res} on node ${node}`),
    cause,
  ],
  notRunningOn: (res: string, node: string) => [prc('PRCR-1090', `Failed to relocate resource ${res}. It is not running on node ${node}`)],
  drainTransactional: (value: number) => [
    prc('PRCD-1396', `invalid drain timeout value ${value} specified with TRANSACTIONAL stop option during the service resource operation`),
  ],
  crsDown: () => [crs('CRS-0184', 'Cannot communicate with the CRS daemon.')],
  crsLine: crs,
  prcLine: prc,
};

export const isPrcCode = (code: string) => /^PR[A-Z]{2}-/.test(code);
