// X.509 time helpers: RFC 5280 §4.1.2.5 encoding (UTCTime through 2049, GeneralizedTime from 2050) and date arithmetic.
import { decodeTime, time as encodeTimeDer, type Tlv } from './der.js';

/** DER Time for a date: UTCTime before 2050, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5); whole seconds. */
export function encodeTime(d: Date): Uint8Array {
  return encodeTimeDer(d);
}

/** Decodes a UTCTime or GeneralizedTime element (RFC 5280 §4.1.2.5.1 / §4.1.2.5.2 forms only). */
export function parseTime(t: Tlv | undefined, what = 'time'): Date {
  return decodeTime(t, what);
}

/** `d` truncated to whole seconds (what a certificate can hold). */
export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** `d` plus `days` days (UTC, exact 86 400 s days). */
export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * 86_400_000);
}

/** RFC 5280 §4.1.2.5: "99991231235959Z" means no well-defined expiration date. */
export const NO_EXPIRY = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));
