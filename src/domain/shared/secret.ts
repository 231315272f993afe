/**
 * Whether a secret someone presented (a tracking token) is the stored one, in time that depends on its
 * length only: an early exit at the first differing character would let the answer time tell how much
 * of a guess was right.
 */
export function sameSecret(presented: string, stored: string): boolean {
  if (presented.length !== stored.length) return false;
  let difference = 0;
  for (let i = 0; i < stored.length; i++) difference |= presented.charCodeAt(i) ^ stored.charCodeAt(i);
  return difference === 0;
}
