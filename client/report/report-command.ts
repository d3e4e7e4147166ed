/** `orb report <workflow-id> [--out file]`: the run's self-contained HTML page (render-report.ts). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { TemporalSettings } from '../connection';
import { getRunStatus } from '../runbooks';
import { renderReport } from './render-report';
import { readAudit } from './audit-read';

/** Children of a fleet whose audits `--json` nests (the first ones; the rest are listed). */
export const CHILD_AUDITS = 50;

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
    .description('write a run\'s report: one self-contained HTML page with its stages on a timeline, the user sessions per instance it watched and its audit trail; --json prints the audit')
    .argument('<workflow-id>', 'e.g. relocate-pdb:CDB1:SALES (see orb list)')
    .option('--out <file>', 'where to write it (default: <workflow id>.html in the current directory)')
    .option('--json', 'print the audit trail as one JSON document (from the run\'s history: complete with no worker)', false)
    .action(async (id: string, o: { out?: string; json: boolean }) => {
      const workflowId = ctx.workflowIdArg(id);
      if (o.json) {
        const audit = await ctx.withClient((client, s) => readAudit(client, s, workflowId, { childAudits: CHILD_AUDITS }));
        ctx.out(JSON.stringify(audit, null, 2));
        return;
      }
      const [run, audit] = await ctx.withClient(async (client, s) =>
        [await getRunStatus(client, s, workflowId), await readAudit(client, s, workflowId)] as const);
      const file = resolve(o.out ?? reportFileName(workflowId));
      writeFileSync(file, renderReport(run, new Date(), audit), { mode: 0o644 });
      ctx.out(`wrote ${file}`);
    });
}
