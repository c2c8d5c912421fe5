import { MissingSkuError } from './errors.ts';
import type { Erp, SkuMapStore } from './ports.ts';

/**
 * Maps every SKU of an order to a NetSuite item id: one read of the SKU map for the whole order, one
 * targeted NetSuite lookup for the SKUs the map has never seen, and negative entries so an unknown SKU
 * does not cost a NetSuite call on every retry. Throws one MissingSkuError naming all missing SKUs.
 */
export async function resolveItems(
  skus: string[],
  deps: { erp: Erp; skuMap: SkuMapStore; negativeTtlSeconds: number },
  options: { recheckMissing?: boolean } = {},
): Promise<ResolvedItems> {
  const unique = [...new Set(skus)];
  const lookupable = unique.filter((sku) => sku !== '');
  const known = lookupable.length > 0 ? await deps.skuMap.get(lookupable) : new Map();
  const resolved = new Map<string, string>();
  const reasons = new Map<string, string>();
  for (const [sku, entry] of known) {
    if ('itemId' in entry) resolved.set(sku, entry.itemId);
    else if (entry.reason) reasons.set(sku, entry.reason);
  }

  // A fresh request (a new event, or a redrive after someone fixed the item) asks NetSuite again about SKUs
  // remembered as missing; quick retries of the same message trust the memory.
  const neverSeen = lookupable.filter((sku) => !resolved.has(sku) && (options.recheckMissing || !known.has(sku)));
  if (neverSeen.length > 0) {
    const found = await deps.erp.findItemsBySku(neverSeen);
    for (const [sku, itemId] of found) resolved.set(sku, itemId);
    const notFound = neverSeen.filter((sku) => !found.has(sku));
    // Only when NetSuite was asked and said no: why an item that exists cannot be ordered (inactive, a matrix
    // parent). Remembered with the negative entry, so quick retries say the same without asking again.
    const explained = notFound.length > 0 ? await deps.erp.explainMissingSkus(notFound) : new Map<string, string>();
    for (const sku of notFound) {
      reasons.delete(sku);
      const reason = explained.get(sku);
      if (reason) reasons.set(sku, reason);
    }
    await Promise.all([
      found.size > 0 ? deps.skuMap.put([...found].map(([sku, itemId]) => ({ sku, itemId }))) : undefined,
      notFound.length > 0
        ? deps.skuMap.putMissing(
            notFound.map((sku) => ({ sku, ...(explained.has(sku) ? { reason: explained.get(sku)! } : {}) })),
            deps.negativeTtlSeconds,
          )
        : undefined,
    ]);
  }

  const missing = unique.filter((sku) => !resolved.has(sku));
  if (missing.length > 0) throw new MissingSkuError(missing, { reasons });
  return Object.assign(resolved, { lookedUp: new Set(neverSeen) });
}

/** SKU → item id, and which SKUs NetSuite was just asked about (the rest came from the SKU map). */
export type ResolvedItems = Map<string, string> & { lookedUp: ReadonlySet<string> };
