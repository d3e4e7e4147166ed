/**
 * Lab throughput and latency through the CdbPort (activities/oracle/lab-cdb.ts), against a lab
 * process it starts (seed test). Bounded: at most COUNT calls and MAX_SECONDS per phase.
 *   node dist/bench/lab-bench.js [--count 2000] [--concurrency 16]
 */
import { labCdb } from '../activities/oracle/lab-cdb';
import type { CdbPort } from '../activities/oracle/port';
import { startLabProcess } from '../test/helpers/lab-process';

const MAX_SECONDS = 10;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1 || v > 100_000) throw new Error(`--${name} must be an integer from 1 to 100000`);
  return v;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function phase(name: string, concurrency: number, count: number, call: () => Promise<unknown>): Promise<void> {
  const latencies: number[] = [];
  const deadline = Date.now() + MAX_SECONDS * 1000;
  let issued = 0;
  let errors = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (issued < count && Date.now() < deadline) {
      issued++;
      const t0 = process.hrtime.bigint();
      try {
        await call();
      } catch {
        errors++;
      }
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(28)} conc ${String(concurrency).padStart(3)}  calls ${String(latencies.length).padStart(6)}  errors ${errors}  ` +
      `${(latencies.length / seconds).toFixed(0).padStart(6)} ops/s  p50 ${pct(latencies, 50).toFixed(2)} ms  p99 ${pct(latencies, 99).toFixed(2)} ms`,
  );
}

async function main(): Promise<void> {
  const count = arg('count', 2000);
  const concurrency = arg('concurrency', 16);
  process.env.ORB_LAB_LOG_LEVEL = 'warn';
  const lab = await startLabProcess({ seed: 'test' });
  try {
    const cdb1: CdbPort = labCdb(lab.url, 'CDB1');
    await cdb1.getFacts(); // warm up the connection
    console.log(`lab ${lab.url} (pid ${lab.pid}), ${count} calls per phase, at most ${MAX_SECONDS} s each`);
    await phase('getPdb(SALES)', 1, count, () => cdb1.getPdb('SALES'));
    await phase('getPdb(SALES)', concurrency, count, () => cdb1.getPdb('SALES'));
    await phase('countSessions(SALES_RW)', 1, count, () => cdb1.countSessions('SALES_RW'));
    await phase('countSessions(SALES_RW)', concurrency, count, () => cdb1.countSessions('SALES_RW'));
  } finally {
    await lab.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
