/**
 * Checking options objects: a misspelt key — above all PyTorch's snake_case (`batch_first`,
 * `batch_size`) — would otherwise be ignored and the default silently used.
 */
import { describe } from './tensor/shape.js';

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Throws a TypeError naming `owner` and the first key of options that is not in `allowed`,
 * suggesting the camelCase spelling of a snake_case key. undefined and null options pass.
 */
export function checkOptions(owner: string, options: unknown, allowed: readonly string[]): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${owner}: expected an options object, but received ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (allowed.includes(key)) continue;
    const hint = allowed.includes(camel(key)) ? ` (did you mean '${camel(key)}'? kindling spells PyTorch's keyword arguments in camelCase)` : '';
    throw new TypeError(`${owner}: unknown option '${key}'${hint}; the options are ${allowed.map((k) => `'${k}'`).join(', ')}`);
  }
}
