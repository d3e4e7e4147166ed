import type { Client } from '@temporalio/client';
import type { EstateConfig } from '../common/estate-config';
import type { TemporalSettings } from './connection';
import type { WaitContext } from './wait-run';

/** What a runbook's CLI commands get from the program (client/cli.ts). */
export interface RunbookCommandContext extends WaitContext {
  estateOf(): { estate: EstateConfig };
  settings(): TemporalSettings;
  withClient<T>(fn: (client: Client, s: TemporalSettings) => Promise<T>, s?: TemporalSettings): Promise<T>;
}
