import type { Erp, SkuMapStore } from './ports.ts';

/**
 * Bulk-loads the SKU map from NetSuite's item list, a page at a time, so order processing reads SKUs from
 * DynamoDB instead of asking NetSuite per line. Overwrites negative entries for SKUs that now exist.
 *
 * Items come oldest first, so when two share a SKU the first one seen stays, the same winner the per-order
 * lookup picks. Once the whole list is loaded, entries for items that are gone, inactive or no longer orderable
 * (not seen by this run) are removed, so an order can no longer book on them.
 */
export async function refreshSkuMap(deps: { erp: Erp; skuMap: SkuMapStore; now?: () => number }): Promise<{ items: number; pages: number; removed: number }> {
  const startedAt = new Date((deps.now ?? Date.now)());
  const seen = new Set<string>();
  let items = 0;
  let pages = 0;
  for await (const page of deps.erp.listItems()) {
    const fresh = page.filter((entry) => !seen.has(entry.sku));
    for (const entry of fresh) seen.add(entry.sku);
    if (fresh.length > 0) await deps.skuMap.put(fresh);
    items += fresh.length;
    pages += 1;
  }
  const removed = await deps.skuMap.removeNotRefreshedSince(startedAt);
  return { items, pages, removed };
}
