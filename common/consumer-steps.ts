import type { ConsumerKind } from './adb-types';

/** What orb does to a consumer of each kind, in order, as `orb plan` and the status describe it. */
export function consumerSteps(kind: ConsumerKind): string[] {
  switch (kind) {
    case 'oic':
      return [
        'keep the connection for undo (GET the connection, GET its WALLET attachment)',
        'upload the wallet as attachment WALLET and set WALLETPASSWORD (POST .../connections/{id}, X-HTTP-Method-Override: PATCH)',
        'test the connection (POST .../connections/{id}/test)',
        'reactivate the active integrations that use it (they keep the old settings until then)',
      ];
    case 'vault-secret':
      return [
        'keep the CURRENT secret version for undo (getSecretBundle stage CURRENT)',
        'write the wallet as a new secret version (updateSecret, base64)',
        'read the CURRENT version back and check it is the wallet',
      ];
    case 'tns-admin':
      return [
        'keep the wallet files for undo',
        'replace the wallet files atomically (symbolic link swapped, or each file renamed into place; previous files kept)',
        "connect through the directory and read SYS_CONTEXT('USERENV','DATABASE_ROLE'): must be PRIMARY",
      ];
  }
}

/**
 * Whether a consumer's test reaches the database (OIC's connection test, a connection through the TNS_ADMIN
 * directory), so that passing it proves the consumer works with the current primary. A Vault secret's test
 * only reads the wallet back: such a consumer is always updated.
 */
export function testReachesDatabase(kind: ConsumerKind): boolean {
  return kind !== 'vault-secret';
}
