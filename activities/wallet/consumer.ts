/**
 * A consumer of an Autonomous Database's wallet: something that connects to the database with it
 * (an Oracle Integration connection, a Vault secret an application reads, a TNS_ADMIN directory).
 * Each kind has one adapter; the propagation activities (activities/propagate-wallet.ts) drive them
 * the same way: read what is there (kept for undo) → update → test → (OIC) reactivate → restore.
 *
 * Wallet bytes, passwords and the saved configuration never leave the worker: an adapter gets the
 * wallet as bytes from the wallet store, keeps what it must restore in the same store, and returns
 * only fingerprints (sha256) and descriptions, which are what the workflow records.
 */

/** A wallet as the worker holds it (never serialised into a workflow). */
export interface LoadedWallet {
  /** The zip as OCI generated it */
  zip: Buffer;
  /** sha256 (hex) of the zip: the wallet's identity in workflow history */
  zipSha256: string;
  /** The wallet password (from the estate's reference) */
  password: string;
  /** The database (OCID) the wallet identifies: the primary when it was generated */
  adbId: string;
}

/** Where a consumer's previous configuration rests (worker disk, the wallet store) and how to name it. */
export interface SavedConfiguration {
  /** sha256 (hex) of the saved blob in the wallet store; null: nothing to restore (the consumer had no wallet) */
  blobSha256: string | null;
  /** sha256 of the wallet zip the consumer held, when it can be read */
  walletSha256: string | null;
  /** One line for the operator, no secret in it (e.g. "wallet 3f2a… of SALESATP (us-ashburn-1), service salesatp_high") */
  summary: string;
}

export interface ConsumerTestResult {
  ok: boolean;
  /** One line: what was tested and what it answered (e.g. "OIC connection test: CONFIGURED", "connected: PRIMARY") */
  detail: string;
}

/** The blob store the adapters keep saved configurations in (activities/wallet/wallet-store.ts). */
export interface BlobStore {
  put(bytes: Buffer): Promise<string>;
  get(sha256: string): Promise<Buffer>;
}

export interface ConsumerAdapter {
  /** e.g. "OIC connection SALES_ATP_ORDERS (orb-oic)" */
  readonly label: string;
  /** Reads what the consumer holds now and saves it in the store for restore(); fails if it cannot be read. */
  readCurrent(store: BlobStore): Promise<SavedConfiguration>;
  /** sha256 of the wallet the consumer holds now (null: none or unreadable); used to make update() idempotent */
  currentWalletSha256(): Promise<string | null>;
  /** Puts the wallet in place; a no-op when the consumer already holds it. */
  update(wallet: LoadedWallet): Promise<void>;
  /** Tests the consumer with what it holds now. Never throws for a failed test: returns ok false. */
  test(): Promise<ConsumerTestResult>;
  /** OIC: reactivates the active integrations that use the connection; returns their ids. Others: undefined. */
  reactivate?(): Promise<string[]>;
  /** Puts back what readCurrent() saved; idempotent. */
  restore(saved: SavedConfiguration, store: BlobStore, walletPassword: string): Promise<void>;
}
