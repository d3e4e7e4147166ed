/** `orb report <workflow-id> [--out file]`: the run's self-contained HTML page (render-report.ts). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { TemporalSettings } from '../connection';
import { getRunStatus } from '../runbooks';
import { renderReport } from './render-report';

export interface ReportContext {
  withClient<T>(fn: (client: Client, s: TemporalSettings) => Promise<T>): Promise<T>;
  workflowIdArg(value: unknown): string;
  out(line: string): void;
}

/** A file name from a workflow id: relocate-pdb:CDB1:SALES → relocate-pdb_CDB1_SALES.html */
export function reportFileName(workflowId: string): string {
  return `${workflowId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120)}.html`;
}

export function addReportCommand(program: Command, ctx: ReportContext): void {
  program
    .command('report')
    .description('write a run\'s report: one self-contained HTML page with its stages on a timeline and the user sessions per instance it watched')
    .argument('<workflow-id>', 'e.g. relocate-pdb:CDB1:SALES (see orb list)')
    .option('--out <file>', 'where to write it (default: <workflow id>.html in the current directory)')
    .action(async (id: string, o: { out?: string }) => {
      const workflowId = ctx.workflowIdArg(id);
      const run = await ctx.withClient((client, s) => getRunStatus(client, s, workflowId));
      const file = resolve(o.out ?? reportFileName(workflowId));
      writeFileSync(file, renderReport(run), { mode: 0o644 });
      ctx.out(`wrote ${file}`);
    });
}
