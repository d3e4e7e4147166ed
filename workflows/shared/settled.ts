/** Waits for every promise, then rejects with the first failure if there was one (so an undo never races a step still running). */
export async function allSettledOrFirstError(ps: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(ps)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
