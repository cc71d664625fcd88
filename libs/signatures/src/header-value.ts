import type { HeaderBag } from './signature.types';

/** A header's single value (the first of a repeated header), or undefined when absent. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
