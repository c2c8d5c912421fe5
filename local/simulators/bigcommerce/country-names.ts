/** Country names BigCommerce serves next to `country_iso2`, for the countries seeds are likely to use. */
const COUNTRY_NAMES: Record<string, string> = {
  US: 'United States',
  CA: 'Canada',
  MX: 'Mexico',
  GB: 'United Kingdom',
  IE: 'Ireland',
  FR: 'France',
  DE: 'Germany',
  NL: 'Netherlands',
  ES: 'Spain',
  IT: 'Italy',
  AU: 'Australia',
  NZ: 'New Zealand',
  JP: 'Japan',
};

export function countryName(iso2: string): string | undefined {
  return COUNTRY_NAMES[iso2.toUpperCase()];
}
