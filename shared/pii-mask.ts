/**
 * Masks personal data in transcript text before anyone reads or exports it. The core applies it
 * to every call record it sends to the screen and to exports, so both follow the same rules.
 *
 * Trade-offs, chosen to err towards masking a number rather than showing a phone:
 * - Card numbers must pass the Luhn check (13-19 digits, spaces or dashes allowed); a 13-19 digit
 *   Luhn-valid order number is masked as a card.
 * - US area codes and 7-digit local numbers start with 2-9 (North American plan), so ranges
 *   such as "100-2000" stay; a 10-digit number starting 2-9 is a phone, separators or not.
 * - International numbers need a leading + or 00 and 8-15 digits (E.164); national numbers with a
 *   leading 0 need 10-11 digits. Order numbers of 5-8 plain digits, times, prices and dates stay.
 * - UK National Insurance numbers are matched by shape (two letters, six digits, A-D), any case,
 *   since transcripts may lowercase them; a phrase with that exact shape would be masked too.
 * - Spoken e-mail addresses ("jane dot doe at example dot com") are masked for common endings.
 *   Digits spoken one by one ("five five five ...") are not recognised.
 */

export interface MaskResult {
  text: string;
  /** How many items were masked. */
  found: number;
}

type Rule = { pattern: RegExp; mask: (match: string) => string | null };

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const SPOKEN_EMAIL =
  /\b[a-z0-9_-]+(?:\s+dot\s+[a-z0-9_-]+)*\s+at\s+[a-z0-9-]+(?:\s+dot\s+[a-z0-9-]+)*\s+dot\s+(?:com|net|org|edu|gov|io|co|uk|us|ca|au|de|fr|info|biz|me)\b/gi;
const CARD = /(?<![\w+])\d(?:[ -]?\d){12,18}(?!\w)/g;
const SSN = /(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w]|[-.]\d)/g;
const UK_NI = /(?<!\w)[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d](?!\w)/g;
const INTERNATIONAL = /(?<![\w+])(?:\+|00)\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){1,6}(?!\w)/g;
const US = /(?<![\w+#/-])(?:1[ .-]?)?(?:\([2-9]\d{2}\)|[2-9]\d{2})[ .-]?\d{3}[ .-]?\d{4}(?!\w|[-.]\d)/g;
const NATIONAL = /(?<![\w+#/-])0\d{2,4}[ .-]?\d{3,4}[ .-]?\d{3,4}(?!\w|[-.]\d)/g;
const US_LOCAL = /(?<![\w+#/$£€.,-])[2-9]\d{2}-\d{4}(?!\w|[-.,]\d)/g;

const digitsOf = (s: string): string => s.replace(/\D/g, '');
const lastFour = (s: string): string => digitsOf(s).slice(-4);
const phone = (match: string): string => `[phone ••••${lastFour(match)}]`;
const phoneWithDigits = (min: number, max: number) => (match: string): string | null => {
  const n = digitsOf(match).length;
  return n >= min && n <= max ? phone(match) : null;
};

/** Order matters: e-mail and cards before phones, so a card is never half-masked as a phone. */
const RULES: readonly Rule[] = [
  { pattern: EMAIL, mask: () => '[email]' },
  { pattern: SPOKEN_EMAIL, mask: () => '[email]' },
  { pattern: CARD, mask: (m) => (luhnValid(digitsOf(m)) ? `[card ••••${lastFour(m)}]` : null) },
  { pattern: SSN, mask: () => '[national id]' },
  { pattern: UK_NI, mask: () => '[national id]' },
  { pattern: INTERNATIONAL, mask: phoneWithDigits(8, 15) },
  { pattern: US, mask: phone },
  { pattern: NATIONAL, mask: phoneWithDigits(10, 11) },
  { pattern: US_LOCAL, mask: phone },
];

export function maskPii(text: string): MaskResult {
  let found = 0;
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.pattern, (match) => {
      const masked = rule.mask(match);
      if (masked === null) return match;
      found += 1;
      return masked;
    });
  }
  return { text: out, found };
}

export function luhnValid(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
