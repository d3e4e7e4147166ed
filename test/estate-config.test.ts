import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEstate, loadEstate, readSecret, requireCdb, DEFAULT_ESTATE } from '../common/estate-config';
import { InputError } from '../common/input-error';

const ORACLEDB = {
  adapter: 'oracledb',
  connectString: 'db1.example.com:1521/CDB1_ROOT',
  user: 'C##ORB',
  password: { env: 'ORB_CDB1_PASSWORD' },
};

function estate(cdbs: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { cdbs, ...extra };
}

/** Asserts parseEstate refuses `raw` with a line naming `path` (and matching `rule`). */
function refused(raw: unknown, path: string, rule?: RegExp) {
  assert.throws(
    () => parseEstate(raw, 'orb.estate.json'),
    (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      const line = e.message.split('\n').find((l) => l.includes(`orb.estate.json: ${path}`));
      assert.ok(line, `no line for ${path} in:\n${e.message}`);
      if (rule) assert.match(line, rule);
      return true;
    },
  );
}

describe('parseEstate', () => {
  test('accepts a lab and an oracledb CDB with references to secrets, applying defaults', () => {
    const e = parseEstate(
      estate({
        CDB1: { ...ORACLEDB, privilege: 'SYSDBA', walletPassword: { file: '/etc/orb/wallet.pw' }, dbLinks: { CDB2: 'cdb2_link.example.com' } },
        CDB2: { adapter: 'lab', dbLinks: { CDB1: 'CDB1_LINK' } },
      }),
    );
    assert.equal(e.lab.url, 'http://127.0.0.1:7480');
    assert.deepEqual(e.approvers, { groups: {} });
    const c1 = e.cdbs.CDB1!;
    assert.equal(c1.adapter, 'oracledb');
    assert.deepEqual(c1.adapter === 'oracledb' && c1.password, { env: 'ORB_CDB1_PASSWORD' });
    assert.deepEqual(e.cdbs.CDB2!.dbLinks, { CDB1: 'CDB1_LINK' });
  });

  test('an inline password is refused: secrets by reference only', () => {
    refused(estate({ CDB1: { ...ORACLEDB, password: 'tiger' } }), 'cdbs.CDB1.password', /reference to the secret.*never the secret itself/);
    refused(estate({ CDB1: { ...ORACLEDB, walletPassword: 'w4llet' } }), 'cdbs.CDB1.walletPassword', /never the secret itself/);
    refused(estate({ CDB1: { ...ORACLEDB, password: { value: 'tiger' } } }), 'cdbs.CDB1.password');
    refused(estate({ CDB1: { ...ORACLEDB, password: { env: 'A', file: '/x' } } }), 'cdbs.CDB1.password');
    refused(estate({ CDB1: { ...ORACLEDB, password: { env: 'not-a-var' } } }), 'cdbs.CDB1.password.env', /environment variable name/);
    refused(estate({ CDB1: { ...ORACLEDB, password: { file: '' } } }), 'cdbs.CDB1.password');
  });

  test('errors name the field path', () => {
    refused(estate({ CDB1: { ...ORACLEDB, connectString: '' } }), 'cdbs.CDB1.connectString');
    refused(estate({ CDB1: { ...ORACLEDB, privilege: 'sysdba' } }), 'cdbs.CDB1.privilege');
    refused(estate({ CDB1: { ...ORACLEDB, pasword: { env: 'X' } } }), 'cdbs.CDB1', /pasword/);
    refused(estate({ CDB1: { adapter: 'ssh' } }), 'cdbs.CDB1.adapter', /"lab" or "oracledb"/);
    refused(estate({ CDB1: { adapter: 'lab', url: 'not a url' } }), 'cdbs.CDB1.url');
    refused(estate({}), '(top level)', /at least one CDB \(cdbs\) or Autonomous Database/);
    refused(estate({ CDB1: { adapter: 'lab' } }, { lab: { url: 'nope' } }), 'lab.url');
    refused(estate({ CDB1: { adapter: 'lab' } }, { extra: 1 }), '(top level)', /extra/);
    refused('not an object', '(top level)');
  });

  test('CDB names must be Oracle identifiers, and the reason is reported', () => {
    refused(estate({ 'CDB-1': { adapter: 'lab' } }), 'cdbs.CDB-1', /not a valid Oracle identifier/);
    refused(estate({ 'CDB1; DROP': { adapter: 'lab' } }), 'cdbs.CDB1; DROP', /not a valid Oracle identifier/);
    refused(estate({ TABLE: { adapter: 'lab' } }), 'cdbs.TABLE', /reserved word/);
  });

  test('database links must be valid link names pointing at known CDBs', () => {
    refused(estate({ CDB1: { adapter: 'lab', dbLinks: { CDB9: 'L' } } }), 'cdbs.CDB1.dbLinks.CDB9', /not in cdbs/);
    refused(estate({ CDB1: { adapter: 'lab', dbLinks: { CDB1: 'L; DROP' } } }), 'cdbs.CDB1.dbLinks.CDB1', /not a valid Oracle identifier/);
    refused(estate({ CDB1: { adapter: 'lab', dbLinks: { CDB1: 'L..X' } } }), 'cdbs.CDB1.dbLinks.CDB1');
  });
});

describe('files and secrets', () => {
  let dir: string;
  const saved = process.env.ORB_ESTATE;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'orb-estate-'));
    delete process.env.ORB_ESTATE;
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.ORB_ESTATE;
    else process.env.ORB_ESTATE = saved;
    delete process.env.ORB_TEST_SECRET;
  });

  test('loadEstate reads a file and names it in errors', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(estate({ CDB1: ORACLEDB })));
    assert.equal(loadEstate(good).cdbs.CDB1!.adapter, 'oracledb');

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(estate({ CDB1: { ...ORACLEDB, password: 'tiger' } })));
    assert.throws(() => loadEstate(bad), (e: unknown) => e instanceof InputError && e.message.includes(`${bad}: cdbs.CDB1.password`));

    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{ "cdbs": ');
    assert.throws(() => loadEstate(notJson), (e: unknown) => e instanceof InputError && /not valid JSON/.test(e.message));

    assert.throws(() => loadEstate(join(dir, 'missing.json')), (e: unknown) => e instanceof InputError && /does not exist/.test(e.message));
  });

  test('$ORB_ESTATE is used when no path is given', () => {
    const p = join(dir, 'env.json');
    writeFileSync(p, JSON.stringify(estate({ ONLY: { adapter: 'lab' } })));
    process.env.ORB_ESTATE = p;
    assert.deepEqual(Object.keys(loadEstate().cdbs), ['ONLY']);
  });

  test('readSecret reads env and file references, and says which is missing', () => {
    process.env.ORB_TEST_SECRET = 's3cret';
    assert.equal(readSecret({ env: 'ORB_TEST_SECRET' }, 'cdbs.CDB1.password'), 's3cret');
    const f = join(dir, 'pw');
    writeFileSync(f, 'from-file\n');
    assert.equal(readSecret({ file: f }, 'cdbs.CDB1.password'), 'from-file');
    assert.throws(() => readSecret({ env: 'ORB_TEST_UNSET_VAR' }, 'cdbs.CDB1.password'), (e: unknown) => e instanceof InputError && e.field === 'cdbs.CDB1.password' && /ORB_TEST_UNSET_VAR/.test(e.message));
    assert.throws(() => readSecret({ file: join(dir, 'nope') }, 'cdbs.CDB1.walletPassword'), (e: unknown) => e instanceof InputError && e.field === 'cdbs.CDB1.walletPassword');
  });

  test('the secret never appears in the parsed estate', () => {
    process.env.ORB_TEST_SECRET = 'tiger-tiger';
    const e = parseEstate(estate({ CDB1: { ...ORACLEDB, password: { env: 'ORB_TEST_SECRET' } } }));
    assert.doesNotMatch(JSON.stringify(e), /tiger-tiger/);
  });
});

describe('requireCdb', () => {
  test('finds a CDB case-insensitively and refuses unknown or invalid names', () => {
    assert.equal(requireCdb(DEFAULT_ESTATE, 'cdb', 'cdb1'), 'CDB1');
    assert.throws(() => requireCdb(DEFAULT_ESTATE, 'target', 'CDB9'), (e: unknown) => e instanceof InputError && e.field === 'target' && /CDB1, CDB2/.test(e.message));
    assert.throws(() => requireCdb(DEFAULT_ESTATE, 'target', 'CDB1; DROP'), InputError);
  });
});
