import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { oracleIdentifier, pdbName, dbLinkName, serviceName } from '../common/identifiers';
import { InputError } from '../common/input-error';

function refused(fn: () => unknown, field: string, rule?: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
    assert.equal(e.field, field);
    if (rule) assert.match(e.rule, rule);
    return true;
  });
}

describe('oracleIdentifier', () => {
  test('returns the canonical upper-case form', () => {
    assert.equal(oracleIdentifier('f', 'sales'), 'SALES');
    assert.equal(oracleIdentifier('f', 'C##Reloc'), 'C##RELOC');
    assert.equal(oracleIdentifier('f', 'A$1_#'), 'A$1_#');
  });

  test('refuses injection attempts and quoted identifiers', () => {
    for (const bad of ['SALES; DROP PLUGGABLE DATABASE HR', '"X"', '"sales"', "X'--", 'A B', 'A/*x*/', 'A\nB', 'A.B', 'A@B', 'A-B', 'Ä', '']) {
      refused(() => oracleIdentifier('pdb', bad), 'pdb');
    }
  });

  test('refuses non-strings', () => {
    for (const bad of [undefined, null, 42, {}, ['SALES']]) refused(() => oracleIdentifier('pdb', bad), 'pdb', /non-empty/);
  });

  test('must begin with a letter', () => {
    for (const bad of ['1SALES', '_SALES', '$X', '#X']) refused(() => oracleIdentifier('pdb', bad), 'pdb', /begin with a letter/);
  });

  test('refuses reserved words, whatever their case', () => {
    for (const bad of ['TABLE', 'select', 'Drop', 'USER', 'SESSION', 'FROM']) refused(() => oracleIdentifier('pdb', bad), 'pdb', /reserved word/);
    assert.equal(oracleIdentifier('f', 'TABLES'), 'TABLES');
  });

  test('length limit in bytes, 128 by default', () => {
    assert.equal(oracleIdentifier('f', 'A'.repeat(128)), 'A'.repeat(128));
    refused(() => oracleIdentifier('f', 'A'.repeat(129)), 'f', /at most 128 bytes/);
    refused(() => oracleIdentifier('f', 'A'.repeat(11), { maxLength: 10 }), 'f', /at most 10 bytes/);
  });
});

describe('pdbName', () => {
  test('at most 30 bytes', () => {
    assert.equal(pdbName('pdb', 'a'.repeat(30)), 'A'.repeat(30));
    refused(() => pdbName('pdb', 'A'.repeat(31)), 'pdb', /at most 30/);
  });

  test('letters, digits and _ only ($ and # are not allowed in a PDB name)', () => {
    assert.equal(pdbName('pdb', 'Sales_2024'), 'SALES_2024');
    refused(() => pdbName('pdb', 'SAL$ES'), 'pdb', /letters, digits and _/);
    refused(() => pdbName('pdb', 'SALES#1'), 'pdb', /letters, digits and _/);
    refused(() => pdbName('pdb', 'SALES.X'), 'pdb');
  });
});

describe('dbLinkName', () => {
  test('accepts dotted names and upper-cases them', () => {
    assert.equal(dbLinkName('link', 'cdb1_link'), 'CDB1_LINK');
    assert.equal(dbLinkName('link', 'cdb1_link.example.com'), 'CDB1_LINK.EXAMPLE.COM');
  });

  test('refuses empty parts, injection and reserved parts', () => {
    for (const bad of ['L..X', '.L', 'L.', 'L@X', 'L; DROP', '"L"', 'L.1X', 'L X']) refused(() => dbLinkName('link', bad), 'link');
    refused(() => dbLinkName('link', 'L.SELECT.COM'), 'link', /reserved word/);
  });

  test('the 128-byte limit counts the whole dotted name', () => {
    refused(() => dbLinkName('link', `${'A'.repeat(64)}.${'B'.repeat(64)}`), 'link', /at most 128/);
  });
});

describe('serviceName', () => {
  test('keeps the name as given (service names are bound, case preserved)', () => {
    assert.equal(serviceName('svc', 'sales_rw.example.com'), 'sales_rw.example.com');
    assert.equal(serviceName('svc', 'Sales-RW'), 'Sales-RW');
  });

  test('refuses quotes, spaces, semicolons, leading punctuation and overlong names', () => {
    for (const bad of ["svc'; END; --", 'a b', 'a;b', '"svc"', '-svc', '.svc', '', 'a'.repeat(251), 42, null]) {
      refused(() => serviceName('svc', bad), 'svc');
    }
    assert.equal(serviceName('svc', 'a'.repeat(250)), 'a'.repeat(250));
  });
});
