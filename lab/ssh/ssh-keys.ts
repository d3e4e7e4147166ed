/**
 * The lab's SSH keys, made on the first start and kept in <state directory>/ssh/ (directory 0700,
 * files 0600): the server's host key and the one client key pair the server accepts.
 *   ssh_host_ed25519_key(.pub)   the host key (its .pub line is the known-hosts entry)
 *   orb_lab_client_ed25519(.pub) the client key (the private file is what GET /ssh names)
 * Ed25519, OpenSSH format (ssh2's generateKeyPairSync). Lab keys only: never a real node's.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { utils, type ParsedKey } from 'ssh2';

export interface LabSshKeys {
  hostPrivateKey: string;
  /** "ssh-ed25519 AAAA... orb-lab-host" */
  hostPublicLine: string;
  clientPublic: ParsedKey;
  clientPrivateKeyFile: string;
}

const HOST = 'ssh_host_ed25519_key';
const CLIENT = 'orb_lab_client_ed25519';

function writePrivate(file: string, content: string): void {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * ssh2's generateKeyPairSync drops leading zero bytes of an Ed25519 key (about 1 pair in 200 comes out with a
 * 31-byte public key or a private key ssh2 itself cannot parse), so a pair is only kept once both halves parse.
 */
export function soundEd25519Pair(comment?: string): { private: string; public: string } {
  for (let attempt = 0; ; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', comment ? { comment } : {});
    const pub = utils.parseKey(pair.public);
    if (!(pub instanceof Error) && !(utils.parseKey(pair.private) instanceof Error)) return pair;
    if (attempt >= 50) throw new Error(`could not generate a usable Ed25519 key pair: ${String(pub)}`);
  }
}

/** The key pair in `dir` named `base`, made now if missing. */
function ensurePair(dir: string, base: string, comment: string): { privateKey: string; publicLine: string } {
  const priv = join(dir, base);
  const pub = `${priv}.pub`;
  if (!existsSync(priv) || !existsSync(pub)) {
    const pair = soundEd25519Pair(comment);
    writePrivate(priv, pair.private);
    writePrivate(pub, `${pair.public}\n`);
  }
  chmodSync(priv, 0o600);
  chmodSync(pub, 0o600);
  return { privateKey: readFileSync(priv, 'utf8'), publicLine: readFileSync(pub, 'utf8').trim() };
}

function parsed(text: string, what: string): ParsedKey {
  const k = utils.parseKey(text);
  if (k instanceof Error) throw new Error(`${what}: ${k.message}`);
  return Array.isArray(k) ? (k[0] as ParsedKey) : k;
}

export function ensureLabSshKeys(stateDir: string): LabSshKeys {
  const dir = resolve(stateDir, 'ssh');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const host = ensurePair(dir, HOST, 'orb-lab-host');
  const client = ensurePair(dir, CLIENT, 'orb-lab-client');
  parsed(host.privateKey, `${join(dir, HOST)} is not a private key`);
  return {
    hostPrivateKey: host.privateKey,
    hostPublicLine: host.publicLine,
    clientPublic: parsed(client.publicLine, `${join(dir, CLIENT)}.pub is not a public key`),
    clientPrivateKeyFile: join(dir, CLIENT),
  };
}
