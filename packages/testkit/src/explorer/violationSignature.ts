/**
 * A violation with ids, hashes and numbers blanked out (guarantee tags such as `G2` kept), to
 * compare kinds of violations across runs. Never throws.
 */
export function signature(violation: string): string {
  return violation
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "<id>")
    .replace(/[0-9a-f]{16,}/g, "<hex>")
    .replace(/(?<![A-Z])\d+/g, "<n>");
}
