import { InputError } from '../core/errors.js';

/** Distinct values one list parameter may carry: the fan-out of one request stays bounded. */
export const MAX_LIST_VALUES = 500;

/**
 * A list query parameter given repeated (`a=x&a=y`, as Gate forwards lists), comma-separated
 * (`a=x,y`, which Spring also binds) or both; blanks and repeats dropped (a request repeating
 * `type=` must not repeat the work); more than `MAX_LIST_VALUES` distinct values is a 400.
 */
export function listParam(value: string | readonly string[] | undefined, name = 'a list parameter'): string[] {
  if (value === undefined) return [];
  const values = [...new Set((typeof value === 'string' ? [value] : value).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== ''))];
  if (values.length > MAX_LIST_VALUES) throw new InputError(`${name} may list at most ${MAX_LIST_VALUES} distinct values`);
  return values;
}

/** The first value of a query parameter that may be repeated. */
export function firstParam(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}
