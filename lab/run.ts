/**
 * The lab as a process: `node dist/lab/run.js --port 0 --state-file F --seed test [--speed N] [--reset]
 * [--ssh-port N | --no-ssh] [--fleet-pdbs N]`. Prints one JSON line {"url": "...", "ssh": {"host", "port"} | null} on stdout once listening; logs go to stderr; exits
 * cleanly (state saved) on SIGTERM or SIGINT.
 */
import { Command, InvalidArgumentError } from 'commander';
import { startLab } from './server';

function num(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${name} must be a number >= ${min}`);
    return n;
  };
}

async function main(): Promise<void> {
  const program = new Command('orb-lab')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 = random)', num('port', 0), 7480)
    .option('--state-file <file>', 'state file', '.orb/lab-state.json')
    .option('--seed <seed>', 'demo | test (used when there is no state file, or with --reset)', 'demo')
    .option('--speed <n>', 'simulated seconds per real second', num('speed', 0.0001))
    .option('--reset', 'start from the seed even if the state file exists', false)
    .option('--ssh-port <port>', 'SSH port of the RAC nodes (0 = a free port; GET /ssh)', num('ssh-port', 0), 0)
    .option('--no-ssh', 'no SSH server')
    .option('--fleet-pdbs <n>', 'a fleet of n more PDBs FL0001.. on FLEET1..FLEET3 when the seed is built', num('fleet-pdbs', 0), 0)
    .parse(process.argv);
  const o = program.opts<{ host: string; port: number; stateFile: string; seed: string; speed?: number; reset: boolean; sshPort: number; ssh: boolean; fleetPdbs: number }>();
  const lab = await startLab({ host: o.host, port: o.port, stateFile: o.stateFile, seed: o.seed, speed: o.speed, reset: o.reset, sshPort: o.sshPort, ssh: o.ssh, fleetPdbs: o.fleetPdbs });
  const ssh = lab.ssh ? { host: lab.ssh.host, port: lab.ssh.port } : null;
  process.stdout.write(`${JSON.stringify({ url: lab.url, ssh })}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    lab.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`orb-lab: ${(e as Error).message}\n`);
  process.exit(1);
});
