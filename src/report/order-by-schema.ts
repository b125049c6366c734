/**
 * Rebuilds a value with object keys in the order its JSON Schema declares them, so serialised
 * output has one stable key order no matter how the value was built. Handles the subset our
 * TypeBox schemas use: objects, arrays, unions (anyOf: the first object variant whose constant
 * properties, required keys and declared keys fit the value), and scalars. Keys the schema does not declare follow, sorted.
 */
import type { TSchema } from '@sinclair/typebox';

export function orderBySchema(schema: TSchema, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = schema.type === 'array' ? (schema.items as TSchema | undefined) : undefined;
    return value.map((v) => (items ? orderBySchema(items, v) : orderPlain(v)));
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(schema.anyOf)) {
    const variant = (schema.anyOf as TSchema[]).find((v) => fits(v, value as Record<string, unknown>));
    return variant ? orderBySchema(variant, value) : orderPlain(value);
  }
  const properties = (schema.type === 'object' ? schema.properties : undefined) as Record<string, TSchema> | undefined;
  if (!properties) return orderPlain(value);
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(properties)) {
    if (source[key] !== undefined) out[key] = orderBySchema(sub, source[key]);
  }
  for (const key of Object.keys(source).sort()) {
    if (!(key in properties) && source[key] !== undefined) out[key] = orderPlain(source[key]);
  }
  return out;
}

/** Sorted keys for values the schema says nothing about. */
function orderPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(orderPlain);
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source).sort()) if (source[key] !== undefined) out[key] = orderPlain(source[key]);
  return out;
}

function fits(variant: TSchema, value: Record<string, unknown>): boolean {
  if (variant.type !== 'object' || typeof variant.properties !== 'object') return false;
  const properties = variant.properties as Record<string, TSchema>;
  const required = (variant.required ?? []) as string[];
  if (!required.every((k) => value[k] !== undefined)) return false;
  if (variant.additionalProperties === false && !Object.keys(value).every((k) => k in properties || value[k] === undefined)) return false;
  return Object.entries(properties).every(([k, sub]) => !('const' in sub) || value[k] === sub.const);
}
