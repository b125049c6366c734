/**
 * The audit result as JSON: keys in schema order, 2-space indent, trailing newline. The format is
 * documented in docs/audit-json.md and described by docs/audit-result.schema.json.
 */
import { AuditResultSchema, type AuditResult } from '../audit/audit-result.js';
import { orderBySchema } from './order-by-schema.js';

export function renderJson(result: AuditResult): string {
  return `${JSON.stringify(orderBySchema(AuditResultSchema, result), null, 2)}\n`;
}
