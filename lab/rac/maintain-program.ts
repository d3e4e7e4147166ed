/**
 * The lab's maintenance program, `/opt/orb-lab/bin/maintain -node <node> [-seconds <n>]`: what a site's
 * patch or OS-maintenance script is to a real node (lab/RAC.md). The lab's one SSH endpoint stands for every node,
 * so the node comes from -node. It
 *  - refuses (exit 1) while an instance of that node is running or stopping: its Oracle home is in use, as OPatch's
 *    CheckActiveFilesAndExecutables prerequisite would say;
 *  - then works for -seconds of simulated time (default 60) and exits 0, printing what it did;
 *  - answers exit 2 with a usage line for any other argument.
 * Each run is in the oplog (op "maintain", cdb: the node's cluster database, args { node, seconds, line }).
 * Faults (POST /faults with `maintain`): the next run on a node exits with the given status and message, or hangs,
 * before or after its work.
 */
import type { LabFault, LabState } from '../model';
import type { MaintainFaultBody } from '../schemas';
import { pushFault, takeFaultOn } from '../faults';
import { clusterCdbs } from './cluster';
import type { SrvctlAnswer, SrvctlHooks } from './srvctl-call';

export const LAB_MAINTAIN_PROGRAM = '/opt/orb-lab/bin/maintain';
const USAGE = `usage: ${LAB_MAINTAIN_PROGRAM} -node <node> [-seconds <0..86400>]`;

interface MaintainArgs {
  node: string;
  seconds: number;
}

function parseArgs(args: string[]): MaintainArgs | string {
  let node: string | undefined;
  let seconds = 60;
  for (let i = 0; i < args.length; i += 2) {
    const [k, v] = [args[i], args[i + 1]];
    if (v === undefined) return `option ${k} needs a value`;
    if (k === '-node') node = v;
    else if (k === '-seconds' && /^\d{1,5}$/.test(v) && Number(v) <= 86_400) seconds = Number(v);
    else return `unknown option or bad value: ${k} ${v}`;
  }
  return node ? { node, seconds } : 'missing -node';
}

export function armMaintainFault(state: LabState, body: MaintainFaultBody): LabFault {
  return pushFault(state, {
    op: 'maintain',
    cdb: body.cdb?.toUpperCase() ?? null,
    object: body.node ?? null,
    kind: 'permanent',
    ora: `EXIT-${body.exitCode ?? 1}`,
    remaining: body.times ?? 1,
    when: body.when ?? 'before',
    hang: body.hang ?? false,
    message: body.message ?? null,
  });
}

const answer = (exitCode: number, stdout: string[], stderr: string[] = []): SrvctlAnswer => ({
  exitCode,
  stdout: stdout.map((l) => `${l}\n`).join(''),
  stderr: stderr.map((l) => `${l}\n`).join(''),
});

/** Runs the maintenance program for one SSH exec request. */
export async function callMaintain(
  h: SrvctlHooks,
  args: string[],
  line: string,
  closed: Promise<void>,
): Promise<SrvctlAnswer> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') return answer(2, [], [`maintain: ${parsed}`, USAGE]);
  const ctx = h.advance();
  const cdb = clusterCdbs(h.state()).find((c) => c.cluster.nodes.includes(parsed.node));
  if (!cdb) return answer(2, [], [`maintain: ${parsed.node} is not a node of the lab's clusters`]);
  const entry = h.logEntry(
    cdb.name,
    'maintain',
    { node: parsed.node, seconds: parsed.seconds, line: line.slice(0, 500) },
    ctx.nowMs,
  );
  const end = (code: number, out: string[], err: string[] = []) => {
    entry.outcome = code === 0 ? 'ok' : 'error';
    if (code !== 0) entry.error = { code: `EXIT-${code}`, message: (err.at(-1) ?? out.at(-1) ?? '').slice(0, 500) };
    entry.endedAt = new Date(h.now()).toISOString();
    h.save();
    return answer(code, out, err);
  };
  const busy = cdb.cluster.instances.filter((i) => i.node === parsed.node && i.state !== 'stopped');
  if (busy.length) {
    const names = busy.map((i) => `${i.name} (${i.state})`).join(', ');
    return end(
      1,
      [`maintain: ${parsed.node}: checking that the Oracle home is not in use`],
      [`maintain: ${parsed.node}: instance ${names} still uses the Oracle home: stop it first`],
    );
  }
  const fault = takeFaultOn(h.state(), 'maintain', cdb.name, [parsed.node]);
  const failed = async (f: LabFault) => {
    if (f.hang) {
      const how = await h.waitFor(null, closed);
      return end(
        1,
        [],
        [
          `maintain: hung (injected fault #${f.id}) until the ${how === 'reset' ? 'lab was reset' : 'client closed the channel'}`,
        ],
      );
    }
    return end(
      Number(f.ora.slice(5)),
      [`maintain: ${parsed.node}: maintenance started`],
      [f.message ?? `maintain: ${parsed.node}: failed (injected fault #${f.id})`],
    );
  };
  if (fault && fault.when === 'before') return failed(fault);
  const until = ctx.nowMs + parsed.seconds * 1000;
  if ((await h.waitFor((s) => s.simNowMs >= until, new Promise<void>(() => undefined))) === 'reset') {
    return end(1, [], ['maintain: interrupted: the lab was reset']);
  }
  if (fault) return failed(fault);
  return end(0, [
    `maintain: ${parsed.node}: maintenance started`,
    `maintain: ${parsed.node}: done in ${parsed.seconds} s`,
  ]);
}
