/**
 * Transport failures met while reaching a node or running a command on it (connect, host key,
 * authentication, timeouts), classified like srvctl's own failures (srvctl-errors.ts) by the `code`
 * the executor gives them (activities/srvctl/ssh-errors.ts) or Node's network error code.
 */
import { InputError } from '../input-error';
import { clip, sanitize } from '../untrusted-text';
import type { ClassifiedSrvctlError, SrvctlErrorKind } from './srvctl-errors';

interface Transport {
  kind: SrvctlErrorKind;
  explanation: string;
  action: string;
  tryAnotherNode?: boolean;
}

const nextNode = 'orb tries the next node of the cluster, then retries.';

const TRANSPORT: Record<string, Transport> = {
  SshHostKeyChanged: {
    kind: 'permanent',
    explanation:
      "The node presented a host key other than the estate file's known-hosts entry: orb refused to connect " +
      '(it may be a man-in-the-middle, or the node was reinstalled).',
    action: "Check the node's key out of band (ssh-keyscan from a trusted network, its console); only then update hostKey.",
  },
  SshHostKeyUnknown: {
    kind: 'permanent',
    explanation: 'The estate file has no known-hosts entry for this node: orb refuses to connect to a host it cannot verify.',
    action: 'Add its public host key line ("ssh-ed25519 AAAA...") or SHA256: fingerprint as hostKey, checked out of band.',
  },
  SshAuthFailed: {
    kind: 'permanent',
    explanation: 'The node refused the private key orb offered for that user.',
    action: "Check the user, and that the key's public half is in that user's authorized_keys on the node.",
  },
  SshKeyUnreadable: {
    kind: 'permanent',
    explanation: 'The private key for the node could not be read or parsed.',
    action: 'Check the secret reference (privateKey): an unencrypted OpenSSH or PEM private key.',
  },
  LabSshAnswerInvalid: {
    kind: 'permanent',
    explanation: "The lab's description of its SSH server (GET <lab url>/ssh) is missing or invalid.",
    action: 'Check that the lab runs a release with its SSH server, then retry.',
  },
  SshTimeout: {
    kind: 'transient',
    explanation: 'Connecting to the node (TCP and SSH handshake) took longer than orb allows.',
    action: nextNode,
    tryAnotherNode: true,
  },
  SshUnreachable: {
    kind: 'transient',
    explanation: 'No node of the cluster could be reached over SSH.',
    action: 'orb retries; check the nodes and the network if it persists.',
    tryAnotherNode: true,
  },
  SrvctlTimeout: {
    kind: 'transient',
    explanation: 'srvctl did not finish within the time orb allows; orb closed the connection (srvctl may still be running there).',
    action: 'orb retries: srvctl commands are safe to repeat. If it keeps timing out, check the node and the drain timeout.',
  },
  SshChannelFailed: {
    kind: 'transient',
    explanation: 'The SSH connection was established but the node refused or lost the command channel.',
    action: 'orb retries.',
  },
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
]);

const UNKNOWN: Transport = {
  kind: 'permanent',
  explanation: 'The SSH connection failed in a way orb does not know to be transient.',
  action: 'Read the message; fix the cause, then retry.',
};

const INPUT: Transport = { kind: 'permanent', explanation: 'The input or the estate file is invalid.', action: 'Fix it and start again.' };

function described(code: string): Transport {
  const known = TRANSPORT[code];
  if (known) return known;
  if (!NETWORK_CODES.has(code)) return UNKNOWN;
  return { kind: 'transient', explanation: `The node could not be reached (${code}).`, action: nextNode, tryAnotherNode: true };
}

/** Classifies an error thrown while reaching a node or running a command on it. Never throws. */
export function classifySshFailure(err: unknown): ClassifiedSrvctlError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { code?: unknown; message?: unknown };
  const message = clip(sanitize(typeof e.message === 'string' ? e.message : String(err)), 600);
  const raw = err instanceof InputError ? 'InputError' : typeof e.code === 'string' ? e.code : '';
  const d = raw === 'InputError' ? INPUT : described(raw);
  const code = d === UNKNOWN ? 'SshError' : raw;
  return { kind: d.kind, code, codes: [], message, explanation: d.explanation, action: d.action, tryAnotherNode: d.tryAnotherNode === true };
}
