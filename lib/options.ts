/**
 * Checking options objects: a misspelt key — above all PyTorch's snake_case (`batch_first`,
 * `batch_size`) — would otherwise be ignored and the default silently used.
 */
import { describe } from './tensor/shape.js';

// What absent options come back as: shared, and frozen so no caller can fill it in for the next.
const NONE = Object.freeze({});

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Throws a TypeError naming `owner` and the first key of options that is not in `allowed`,
 * suggesting the camelCase spelling of a snake_case key. undefined and null options (PyTorch's
 * None) pass and come back as {}, so callers can read keys from the result.
 */
export function checkOptions<T extends object>(owner: string, options: T | null | undefined, allowed: readonly string[]): T {
  if (options === undefined || options === null) return NONE as T;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${owner}: expected an options object, but received ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const hint = allowed.includes(camel(key)) ? ` (did you mean '${camel(key)}'? kindling spells PyTorch's keyword arguments in camelCase)` : '';
    throw new TypeError(`${owner}: unknown option '${key}'${hint}; the options are ${allowed.map((k) => `'${k}'`).join(', ')}`);
  }
  return options;
}

/**
 * A boolean argument such as keepdim: undefined gives `fallback`. Anything else throws a
 * TypeError naming `owner` and `name`, where a truthy object (`{ keepdim: false }`) would
 * otherwise silently mean true.
 */
export function checkFlag(owner: string, name: string, value: unknown, fallback = false): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new TypeError(`${owner}: expected ${name} to be true or false, but received ${describe(value)}` +
    (typeof value === 'object' && value !== null ? ` (kindling takes ${name} positionally, as PyTorch does: e.g. x.sum(dim, true))` : ''));
}

/** A number argument: throws a TypeError naming owner and name for anything else, which arithmetic would turn into NaN or a silently coerced value. */
export function checkNumber(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number') throw new TypeError(`${owner}: expected ${name} to be a number, but received ${describe(value)}`);
  return value;
}
