import { randomBytes } from 'node:crypto';

/**
 * Payment providers (docs/rules.md §4 "Billing"): Atrium never stores, logs or returns
 * a card number. A provider turns card details into an opaque token plus
 * what a receipt shows (brand, last 4, expiry) and charges tokens. The
 * built-in {@link createTestPaymentProvider} stands in for a real one
 * (Stripe, Adyen…), which would implement the same interface.
 */

/** Card details as typed by a person; they live only for the duration of one call. */
export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** What is kept of a card: never the number or the CVC. */
export interface TokenizedCard {
  token: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** The outcome of a charge. */
export type ChargeResult = { ok: true; reference: string } | { ok: false; reason: string };

/** Why a card was refused: a field that is wrong, or the issuer declining it. */
export class PaymentError extends Error {
  constructor(
    readonly kind: 'invalid' | 'declined',
    readonly field: 'number' | 'expMonth' | 'expYear' | 'cvc' | null,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentError';
  }
}

/** A payment provider: tokenizes cards and charges tokens. */
export interface PaymentProvider {
  /** Stored with each payment method, e.g. `test`. */
  readonly name: string;
  /** Validates and tokenizes a card; throws {@link PaymentError}. */
  tokenize(card: CardDetails): Promise<TokenizedCard>;
  /**
   * Charges a token. `idempotencyKey` makes a retried charge (after a crash or
   * a rolled-back transaction) a no-op at the provider.
   */
  charge(token: string, amountCents: number, currency: string, idempotencyKey: string): Promise<ChargeResult>;
}

/**
 * The Luhn checksum of a card number (digits only).
 *
 * @example
 * ```ts
 * luhnValid('4242424242424242'); // true
 * luhnValid('4242424242424241'); // false
 * ```
 */
export function luhnValid(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * The card brand from the number's prefix (IIN ranges of the major networks).
 *
 * @example
 * ```ts
 * cardBrand('5555555555554444'); // 'mastercard'
 * ```
 */
export function cardBrand(digits: string): string {
  if (/^4/.test(digits)) return 'visa';
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(digits)) return 'mastercard';
  if (/^3[47]/.test(digits)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(digits)) return 'discover';
  if (/^35(2[89]|[3-8])/.test(digits)) return 'jcb';
  if (/^3(0[0-5]|[68])/.test(digits)) return 'diners';
  return 'unknown';
}

/** Test numbers the test provider declines, as real providers' test modes do. */
export const DECLINED_TEST_CARDS: readonly string[] = ['4000000000000002', '4000000000009995'];

/**
 * The built-in test provider: accepts any Luhn-valid number of a known brand
 * with a future expiry and a 3–4 digit CVC, declines the numbers in
 * {@link DECLINED_TEST_CARDS}, and returns `tok_test_…` tokens. Charges
 * succeed and are idempotent per key. State lives on the instance (one per
 * app), never in a module-level variable.
 */
export function createTestPaymentProvider(now: () => Date = () => new Date()): PaymentProvider {
  const charges = new Map<string, string>();
  return {
    name: 'test',
    async tokenize(card) {
      const digits = card.number.replace(/[\s-]/g, '');
      if (!luhnValid(digits)) throw new PaymentError('invalid', 'number', 'The card number is not valid');
      const brand = cardBrand(digits);
      if (brand === 'unknown') throw new PaymentError('invalid', 'number', 'The card brand is not supported');
      if (!Number.isInteger(card.expMonth) || card.expMonth < 1 || card.expMonth > 12) {
        throw new PaymentError('invalid', 'expMonth', 'The expiry month must be 1–12');
      }
      const today = now();
      const year = today.getUTCFullYear();
      const month = today.getUTCMonth() + 1;
      if (card.expYear < year || (card.expYear === year && card.expMonth < month)) {
        throw new PaymentError('invalid', 'expYear', 'The card has expired');
      }
      if (card.expYear > year + 25)
        throw new PaymentError('invalid', 'expYear', 'The expiry year is too far ahead');
      const cvcLength = brand === 'amex' ? 4 : 3;
      if (!new RegExp(`^\\d{${cvcLength}}$`).test(card.cvc)) {
        throw new PaymentError('invalid', 'cvc', `The security code must have ${cvcLength} digits`);
      }
      if (DECLINED_TEST_CARDS.includes(digits))
        throw new PaymentError('declined', null, 'The card was declined');
      return {
        token: `tok_test_${randomBytes(12).toString('hex')}`,
        brand,
        last4: digits.slice(-4),
        expMonth: card.expMonth,
        expYear: card.expYear,
      };
    },
    async charge(token, amountCents, _currency, idempotencyKey) {
      if (!token.startsWith('tok_test_')) return { ok: false, reason: 'unknown token' };
      if (!Number.isInteger(amountCents) || amountCents < 0) return { ok: false, reason: 'invalid amount' };
      const existing = charges.get(idempotencyKey);
      if (existing) return { ok: true, reference: existing };
      const reference = `ch_test_${randomBytes(8).toString('hex')}`;
      charges.set(idempotencyKey, reference);
      return { ok: true, reference };
    },
  };
}
