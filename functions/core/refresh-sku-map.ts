import type { Erp, SkuMapStore } from './ports.ts';

/**
 * Bulk-loads the SKU map from NetSuite's item list, a page at a time, so order processing reads SKUs from
 * DynamoDB instead of asking NetSuite per line. Overwrites negative entries for SKUs that now exist.
 */
export async function refreshSkuMap(deps: { erp: Erp; skuMap: SkuMapStore }): Promise<{ items: number; pages: number }> {
  let items = 0;
  let pages = 0;
  for await (const page of deps.erp.listItems()) {
    await deps.skuMap.put(page);
    items += page.length;
    pages += 1;
  }
  return { items, pages };
}
