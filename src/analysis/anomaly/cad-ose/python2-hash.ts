/**
 * CAD OSE keys its context memory by Python's hash of a tuple of ints and breaks ties between
 * equally active contexts by those hashes, so the contexts it activates, and with them every later
 * score, depend on the exact hash. The scores NAB publishes for it were computed on Python 2.7
 * (64-bit), whose tuple hash this reproduces, with signed 64-bit wraparound.
 */
export function python2TupleHash(items: readonly number[]): bigint {
  let x = 0x345678n;
  let mult = 1000003n;
  let remaining = items.length;
  for (const item of items) {
    remaining -= 1;
    x = BigInt.asIntN(64, (x ^ python2IntHash(item)) * mult);
    mult = BigInt.asIntN(64, mult + 82520n + BigInt(2 * remaining));
  }
  x = BigInt.asIntN(64, x + 97531n);
  return x === -1n ? -2n : x;
}

/** A Python int that fits a C long hashes to itself, except -1 (reserved for errors). */
const python2IntHash = (value: number): bigint => (value === -1 ? -2n : BigInt(value));
