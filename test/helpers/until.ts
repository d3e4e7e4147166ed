import assert from 'node:assert/strict';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every 50 ms until `ok` holds, failing the test with the last value after `timeoutMs`. */
export async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  do {
    last = await fn();
    if (ok(last)) return last;
    await sleep(50);
  } while (Date.now() < deadline);
  assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}
