/** The OCI SDK operation names the lab serves (the `op` of a cloud fault with service 'oci'). */
export const OCI_OPS = [
  'getAutonomousDatabase',
  'listAutonomousDatabases',
  'listAutonomousDatabasePeers',
  'switchoverAutonomousDatabase',
  'failOverAutonomousDatabase',
  'generateAutonomousDatabaseWallet',
  'getWorkRequest',
  'listWorkRequestErrors',
  'getSecret',
  'updateSecret',
  'listSecretVersions',
  'getSecretBundle',
  /** Not a call: the work of a role change; a fault on it makes the work request end FAILED */
  'roleChangeWork',
] as const;

export type OciOp = (typeof OCI_OPS)[number];
