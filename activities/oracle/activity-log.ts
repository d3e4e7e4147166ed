import { Context } from '@temporalio/activity';
import type { PoolLog } from './oracledb-pool';

/**
 * Logs through the running activity's logger (the worker's pino, with the activity's identity);
 * outside an activity (tools, tests) the event is not logged. Callers pass no secret in `fields`.
 */
export const activityLog: PoolLog = (event, fields) => {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return;
  }
  ctx.log.info(`oracledb: ${event}`, fields);
};
