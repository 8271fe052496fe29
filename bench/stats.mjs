// Statistics shared by the bench scripts.

/** The median of the finite values of `xs` (the mean of the middle two for an even count); NaN when there are none. */
export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
