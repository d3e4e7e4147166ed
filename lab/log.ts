/** The lab's logger: pino, JSON lines on stderr (stdout is kept for the one "listening" line of run.ts). */
import pino from 'pino';

export type LabLogger = pino.Logger;

export function labLogger(level: string = process.env.ORB_LAB_LOG_LEVEL ?? 'info'): LabLogger {
  return pino({ name: 'orb-lab', level }, pino.destination({ dest: 2, sync: true }));
}
