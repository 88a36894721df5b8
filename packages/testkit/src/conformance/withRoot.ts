import type { ConformanceTarget, TargetRoot } from "./target.js";

/**
 * Runs `fn` on a fresh root of `target` and always tears the root down, pass or fail. The
 * conformance areas run every test body through this, so no test sees another's files.
 *
 * @returns what `fn` returns
 * @throws whatever `fn` throws; a teardown failure only when `fn` succeeded (when both fail, `fn`'s
 *   error is the one reported: it is the test's verdict, the teardown error would only mask it)
 */
export async function withRoot<T>(
  target: ConformanceTarget,
  fn: (root: TargetRoot) => Promise<T>,
): Promise<T> {
  const root = await target.setup();
  let result: T;
  try {
    result = await fn(root);
  } catch (err) {
    await root.teardown().catch(() => {
      // The test already failed with `err`; a teardown error here would only hide it.
    });
    throw err;
  }
  await root.teardown();
  return result;
}

/** The prefix every conformance `describe` title starts with, naming the backend under test. */
export function titleOf(target: ConformanceTarget, area: string): string {
  return `[${target.name}] ${area}`;
}
