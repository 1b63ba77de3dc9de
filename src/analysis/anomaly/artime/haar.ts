/** The orthonormal Haar filter tap, as the published detector's wavelet library normalizes it. */
const TAP = 0.7071067811865475 / (0.7071067811865475 * Math.sqrt(2));

/**
 * The full multi-level Haar wavelet transform of a series whose length is a power of two, laid out
 * coarsest first: [approximation, coarsest detail, …, finest details]. A detail is
 * (second − first)/√2 of each pair, an approximation (first + second)/√2.
 */
export function haarTransform(series: readonly number[]): number[] {
  const out = new Array<number>(series.length);
  let scaling = [...series];
  while (scaling.length > 1) {
    const half = scaling.length / 2;
    const next = new Array<number>(half);
    for (let k = 0; k < half; k++) {
      const [first, second] = [scaling[2 * k]!, scaling[2 * k + 1]!];
      next[k] = TAP * first + TAP * second;
      out[half + k] = -TAP * first + TAP * second;
    }
    scaling = next;
  }
  out[0] = scaling[0]!;
  return out;
}
