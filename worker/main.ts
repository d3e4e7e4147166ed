/**
 * Worker entry point: `node dist/worker/main.js [estate-file]` (same as `orb worker`).
 * Estate: argument, else $ORB_ESTATE, else ./orb.estate.json, else the lab default.
 */
import { loadEstate } from '../common/estate-config';
import { InputError } from '../common/input-error';
import { taskQueue } from '../client/connection';
import { CliError, EXIT } from '../client/errors';
import { runWorker } from './worker';
import { createLogger } from './logger';

async function main(): Promise<void> {
  const logger = createLogger('orb-worker');
  try {
    const estate = loadEstate(process.argv[2]);
    await runWorker({ estate, taskQueue: taskQueue(), logger });
  } catch (err) {
    const code = err instanceof InputError ? EXIT.BAD_INPUT : err instanceof CliError ? err.exitCode : 1;
    logger.fatal({ err }, err instanceof Error ? err.message : String(err));
    process.exitCode = code;
  }
}

void main();
