// Every list answers one page: ?limit (1-200, default 50) and ?offset (default 0), and the body
// {items, total, limit, offset}, so a page can show "21-40 of 123" and ask for the next.
import { z } from 'zod';
import type { Listed, PageWindow } from '../queries/sql-helpers.ts';

export const maxLimit = 200;
export const defaultLimit = 50;

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
  offset: z.coerce.number().int().min(0).max(2_147_483_647).default(0),
});

export type Page<T> = { items: T[]; total: number; limit: number; offset: number };

export function page<T>(listed: Listed<T>, window: PageWindow): Page<T> {
  return { items: listed.items, total: listed.total, limit: window.limit, offset: window.offset };
}

/** The OpenAPI description of a page of `item`. */
export function pageSchema(item: z.ZodType): z.ZodType {
  return z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
}
