/**
 * Polls `probe` until it returns something truthy, which is returned. On timeout the error
 * says what was awaited and, from `describe`, what was seen last.
 */
export async function until(what, probe, timeoutMs = 20_000, describe) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const seen = describe ? await Promise.resolve(describe()).catch((e) => `(could not describe: ${e.message})`) : undefined;
      const detail = [seen !== undefined ? `last seen: ${typeof seen === 'string' ? seen : JSON.stringify(seen)}` : '', lastError ? `last error: ${lastError.message}` : '']
        .filter(Boolean)
        .join('; ');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? ` (${detail})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}
