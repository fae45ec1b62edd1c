/** A copy of the set with the value added (`on`) or removed; without `on`, flips it. For checkbox choices kept in state. */
export function toggled<T>(set: ReadonlySet<T>, value: T, on = !set.has(value)): Set<T> {
  const next = new Set(set);
  if (on) next.add(value);
  else next.delete(value);
  return next;
}
