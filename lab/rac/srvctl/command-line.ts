/**
 * The SSH exec request's command line, read as the lab's "node" accepts it: one program (srvctl by
 * its absolute path under a home of the cluster, or the lab's maintenance program), and its arguments. Nothing is ever given to a
 * shell: a line holding any character outside [A-Za-z0-9 _.,/:=@+-] and quotes (; & | $ ` < > ( )
 * { } * ? [ ] ! ~ # \ newline ...) is refused whole, as is any other program. Quotes group as a
 * POSIX shell groups them ('a b', "a,b"), so srvctl's quoted lists work; they may not hold the
 * refused characters either.
 */

export type CommandLine =
  | { ok: true; program: string; args: string[] }
  | { ok: false; exitCode: number; stderr: string; reason: string };

const MAX_LINE = 4096;
const ALLOWED = /[A-Za-z0-9 _.,/:=@+\-"']/;

function refuse(reason: string, stderr: string): CommandLine {
  return { ok: false, exitCode: 127, stderr: `${stderr}\n`, reason };
}

function shown(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch;
}

/** Splits on blanks, grouping quoted runs; null when a quote is left open. */
export function tokenize(line: string): string[] | null {
  const out: string[] = [];
  let cur: string | null = null;
  let quote: '"' | "'" | null = null;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur ??= '';
    } else if (ch === ' ') {
      if (cur !== null) out.push(cur);
      cur = null;
    } else cur = (cur ?? '') + ch;
  }
  if (quote) return null;
  if (cur !== null) out.push(cur);
  return out;
}

/** `programs`: the srvctl paths the lab's nodes have (<Oracle home>/bin/srvctl, <Grid home>/bin/srvctl). */
export function readCommandLine(line: string, programs: string[]): CommandLine {
  if (line.length > MAX_LINE) return refuse(`command line longer than ${MAX_LINE} characters`, 'orb-lab: refused: command line too long');
  const bad = [...line].find((ch) => !ALLOWED.test(ch));
  if (bad !== undefined) {
    const why = `shell metacharacter or control character '${shown(bad)}' in the command line`;
    return refuse(why, `orb-lab: refused: ${why}; the lab runs srvctl only and gives nothing to a shell`);
  }
  const tokens = tokenize(line);
  if (tokens === null) return refuse('unbalanced quote', 'orb-lab: refused: unbalanced quote in the command line');
  const [program, ...args] = tokens;
  if (program === undefined || program === '') return refuse('empty command line', 'orb-lab: refused: empty command line');
  if (!program.startsWith('/')) return refuse(`program ${program} is not an absolute path`, `bash: ${program}: command not found`);
  if (!programs.includes(program)) {
    return refuse(`program ${program} is not a program of the lab's nodes (srvctl under a home of a cluster or the maintenance program)`, `bash: ${program}: No such file or directory`);
  }
  return { ok: true, program, args };
}
