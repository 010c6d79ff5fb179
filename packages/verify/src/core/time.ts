// Times of docs/FORMAT.md section 1 (RFC 3339 in UTC with "Z") compared as
// instants, as section 5.4 "Comparing times" defines: Date.parse would drop
// digits past milliseconds and cannot read a leap second, so two times that
// differ only there would compare equal or not at all.
import { isRfc3339Utc } from './validate.js';

/**
 * A time of section 1, with any number of fraction digits: section 1 sets no
 * limit (validate.ts's isRfc3339Utc takes up to nine, as statements hold
 * them), and an order.json given to a verifier is not the issuer's to trust.
 */
export function isInstant(t: string): boolean {
  return isRfc3339Utc(`${t.slice(0, 19)}Z`) && /^(?:\.\d+)?Z$/.test(t.slice(19));
}

/**
 * Negative when `a` is before `b`, 0 when they are the same instant, positive
 * when after: first the `YYYY-MM-DDTHH:MM:SS` parts as text (so `:60` sorts
 * after `:59`), then the fractions as decimals, missing digits being zeros
 * (`.5` equals `.500`). Both must be times of section 1 (RangeError otherwise).
 */
export function compareTimes(a: string, b: string): number {
  for (const t of [a, b]) if (!isInstant(t)) throw new RangeError(`${JSON.stringify(t)} is not an RFC 3339 UTC time`);
  const secondsA = a.slice(0, 19);
  const secondsB = b.slice(0, 19);
  if (secondsA !== secondsB) return secondsA < secondsB ? -1 : 1;
  // "YYYY-MM-DDTHH:MM:SS.fffZ": the fraction's digits sit between the "." at 19 and the final "Z".
  const fractionA = a.slice(20, -1);
  const fractionB = b.slice(20, -1);
  const digits = Math.max(fractionA.length, fractionB.length);
  const padA = fractionA.padEnd(digits, '0');
  const padB = fractionB.padEnd(digits, '0');
  return padA === padB ? 0 : padA < padB ? -1 : 1;
}
