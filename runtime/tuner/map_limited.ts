/**
 * `fn` over `items` with at most `limit` running at once; results in input order. Used where
 * trials are independent on disk (replay, repair): one by one, 1,000 trials wait on the file
 * system's thread pool a thousand times in a row. After a failure no new item is started, and
 * the first failure is what rejects.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        results[i] = await fn(items[i]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  });
  await Promise.all(lanes);
  return results;
}
