/**
 * A map from small non-negative ints to ints that iterates in the order a Python 2.7 dict does
 * (table slot order, with its probing and resizing), not insertion order. CAD OSE walks such a
 * dict when it proposes new contexts, and the order it proposes them in decides their ids.
 */
export class Python2IntDict {
  private keys: (number | undefined)[] = new Array(8);
  private values: number[] = new Array(8);
  private used = 0;

  get size(): number {
    return this.used;
  }

  get(key: number): number | undefined {
    const slot = this.find(key);
    return this.keys[slot] === key ? this.values[slot] : undefined;
  }

  /** The value for `key`, storing `value` first when there is none (Python's setdefault). */
  setDefault(key: number, value: number): number {
    const slot = this.find(key);
    if (this.keys[slot] === key) return this.values[slot]!;
    this.keys[slot] = key;
    this.values[slot] = value;
    this.used += 1;
    // No key is ever deleted, so the table's fill is its use: it grows at two thirds full.
    if (this.used * 3 >= this.keys.length * 2) this.resize((this.used > 50_000 ? 2 : 4) * this.used);
    return value;
  }

  *entries(): Generator<[number, number]> {
    for (let slot = 0; slot < this.keys.length; slot++) {
      const key = this.keys[slot];
      if (key !== undefined) yield [key, this.values[slot]!];
    }
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private find(key: number): number {
    const size = this.keys.length;
    // Only the low bits of the probe index are ever used, so it is kept modulo the table size.
    let index = key % size;
    let perturb = key;
    while (this.keys[index] !== undefined && this.keys[index] !== key) {
      index = (5 * index + perturb + 1) % size;
      perturb = Math.floor(perturb / 32);
    }
    return index;
  }

  private resize(minUsed: number): void {
    let size = 8;
    while (size <= minUsed) size *= 2;
    const [oldKeys, oldValues] = [this.keys, this.values];
    this.keys = new Array(size);
    this.values = new Array(size);
    oldKeys.forEach((key, slot) => {
      if (key === undefined) return;
      const at = this.find(key);
      this.keys[at] = key;
      this.values[at] = oldValues[slot]!;
    });
  }
}
