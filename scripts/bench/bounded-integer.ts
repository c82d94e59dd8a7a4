/** A command-line option's whole number within [min, max], or an error naming the option. */
export function boundedInteger(text: string, min: number, max: number, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${flag}: expected a whole number from ${min} to ${max}, got '${text}'`);
  return value;
}
