/**
 * Storefront contact data cut to what NetSuite's customer and address fields take: names of at most 32
 * characters, a company of at most 83, phone numbers in a form web services accept. Nothing is invented; what
 * cannot be kept is dropped and said (the caller logs it), never sent to fail the order.
 */
export const NAME_MAX = 32;
export const COMPANY_MAX = 83;
export const PHONE_MAX = 32;
const PHONE_MIN_DIGITS = 7;

/** At most `max` characters, cut at a character (not inside a surrogate pair), trimmed. */
export function fit(text: string, max: number): string {
  const characters = [...text.normalize('NFC').trim()];
  return characters.slice(0, max).join('').trim();
}

/**
 * A phone number as NetSuite's phone fields accept it: digits with the usual separators, a leading +, and an
 * extension. Returns undefined, with the reason, for one that has fewer than seven digits or is too long.
 */
export function normalizePhone(raw: string): { phone?: string; dropped?: string } {
  const text = raw.normalize('NFKC').trim();
  if (text === '') return {};
  const [main = '', extension] = text.split(/\s*(?:ext\.?|x|#)\s*/i, 2);
  const kept = main
    .replace(/[^\d+()\-. ]/g, '')
    .replace(/(?!^)\+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const digits = kept.replace(/\D/g, '').length;
  if (digits < PHONE_MIN_DIGITS) return { dropped: `phone "${raw}" has fewer than ${PHONE_MIN_DIGITS} digits` };
  const ext = extension?.replace(/\D/g, '');
  const phone = ext ? `${kept} x${ext}` : kept;
  if (phone.length > PHONE_MAX) return { dropped: `phone "${raw}" is longer than ${PHONE_MAX} characters` };
  return { phone };
}
