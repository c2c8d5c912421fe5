/** BigCommerce shipping method text is free display text ("Flat Rate", "UPS® (UPS Ground)"), so the map matches it loosely. */
export function normalizeMethodName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}
