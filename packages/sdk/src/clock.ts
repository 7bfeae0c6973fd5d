/** Milliseconds since the epoch. Injected so tests move time instead of sleeping. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** Seconds since the epoch, as JWT `exp`, `nbf`, `iat` and `auth_time` count them (RFC 7519 §2 NumericDate). */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock() / 1000);
}
