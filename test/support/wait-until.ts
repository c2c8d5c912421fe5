/**
 * Waits for something a background loop does (a webhook delivered, a timer fired) instead of sleeping a fixed
 * time: a fixed sleep long enough on this machine is too short on a loaded CI runner. Returns the first truthy
 * value `probe` gives; fails with `what` once `timeoutMs` has passed.
 */
export async function waitUntil<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
