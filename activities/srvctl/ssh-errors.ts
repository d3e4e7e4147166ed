/**
 * Why a node could not run a command, as errors whose `code` common/srvctl/srvctl-errors.ts
 * classifies (classifySshFailure). Messages name the node and, for host keys, the fingerprints:
 * public facts, never a private key.
 */
export class SshError extends Error {
  override readonly name: string = 'SshError';
  constructor(
    readonly code: string,
    /** host:port */
    readonly node: string,
    message: string,
  ) {
    super(`${node}: ${message}`);
  }
}

/** The node presented a key other than the known one (or there is no known one). */
export class HostKeyRejectedError extends SshError {
  override readonly name = 'HostKeyRejectedError';
  constructor(
    node: string,
    readonly presented: string,
    readonly expected: string | null,
  ) {
    super(
      expected === null ? 'SshHostKeyUnknown' : 'SshHostKeyChanged',
      node,
      expected === null
        ? `host key ${presented} is unknown: the estate file has no hostKey for this node, and orb refuses to connect to a host it cannot verify`
        : `host key ${presented} is not the known one (${expected}): refusing to connect (a changed host key may be a man-in-the-middle)`,
    );
  }
}

/** Every node was tried and none could be reached (each one's reason kept). */
export class AllNodesUnreachableError extends SshError {
  override readonly name = 'AllNodesUnreachableError';
  constructor(readonly failures: { node: string; code: string; message: string }[]) {
    const nodes = failures.map((f) => f.node).join(', ');
    super('SshUnreachable', nodes, `no node could be reached: ${failures.map((f) => `${f.node} ${f.code}`).join('; ')}`);
  }
}
