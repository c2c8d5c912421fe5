import type { SimResponse } from '../sim-http.ts';

/** A v3 list answer: one page of `items` in the `{data, meta: {pagination}}` envelope (page size capped at 250). */
export function v3Page<T>(items: T[], page: number, limit: number): SimResponse {
  const perPage = Math.min(limit, 250);
  const data = items.slice((page - 1) * perPage, page * perPage);
  const totalPages = Math.ceil(items.length / perPage);
  const links: Record<string, string> = { current: `?page=${page}&limit=${perPage}` };
  if (page > 1) links.previous = `?page=${page - 1}&limit=${perPage}`;
  if (page < totalPages) links.next = `?page=${page + 1}&limit=${perPage}`;
  return {
    status: 200,
    body: { data, meta: { pagination: { total: items.length, count: data.length, per_page: perPage, current_page: page, total_pages: totalPages, links } } },
  };
}
