// The audit log on the admin page: the latest changes (who, what, which fields, from where, the
// answer's status), filtered by account, resource and days, a page of 50 at a time, newest first.
import { useState } from 'preact/hooks';
import type { AuditEntry, ListPage } from '../shared/catalog-types.ts';
import { Field } from '../shared/forms.tsx';
import { useApiData } from '../shared/use-api-data.ts';


type Filters = { accountId: string; resource: string; since: string; until: string };

const resources = ['accounts', 'auth', 'cities', 'schools', 'classrooms', 'courses', 'lessons', 'recordings'];
const pageSize = 50;

function auditPath(filters: Filters, offset: number): string {
  const query = new URLSearchParams({ limit: String(pageSize), offset: String(offset) });
  if (/^\d+$/.test(filters.accountId.trim())) query.set('accountId', filters.accountId.trim());
  if (filters.resource) query.set('resource', filters.resource);
  if (filters.since) query.set('since', filters.since);
  // A day picked as "until" includes that day.
  if (filters.until) query.set('until', new Date(Date.parse(filters.until) + 86_400_000).toISOString().slice(0, 10));
  return `/audit?${query.toString()}`;
}

export function AuditSection() {
  const [filters, setFilters] = useState<Filters>({ accountId: '', resource: '', since: '', until: '' });
  const [offset, setOffset] = useState(0);
  const list = useApiData<ListPage<AuditEntry>>(auditPath(filters, offset));
  const set = (change: Partial<Filters>) => {
    setFilters((current) => ({ ...current, ...change }));
    setOffset(0);
  };
  const total = list.data?.total ?? 0;
  return (
    <div class="audit" data-section="audit">
      <form class="card form form-grid" data-form="audit-filters" onSubmit={(event) => event.preventDefault()}>
        <h2 class="form-title">Audit log</h2>
        <Field label="Account id">
          <input name="accountId" inputMode="numeric" value={filters.accountId} onInput={(event) => set({ accountId: event.currentTarget.value })} />
        </Field>
        <Field label="Resource">
          <select name="resource" value={filters.resource} onChange={(event) => set({ resource: event.currentTarget.value })}>
            <option value="">All</option>
            {resources.map((resource) => (
              <option key={resource} value={resource}>
                {resource}
              </option>
            ))}
          </select>
        </Field>
        <Field label="From (UTC day)">
          <input name="since" type="date" value={filters.since} onInput={(event) => set({ since: event.currentTarget.value })} />
        </Field>
        <Field label="Until (UTC day)">
          <input name="until" type="date" value={filters.until} onInput={(event) => set({ until: event.currentTarget.value })} />
        </Field>
      </form>
      {list.error && <p class="form-error" role="alert">{list.error}</p>}
      {list.data && list.data.items.length === 0 && <p class="empty">No entries.</p>}
      {list.data && list.data.items.length > 0 && (
        <table class="data-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>Action</th>
              <th>Target</th>
              <th>Fields</th>
              <th>Status</th>
              <th>From</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((entry) => (
              <tr key={entry.id} data-id={String(entry.id)}>
                <td data-label="When">{new Date(entry.at).toLocaleString()}</td>
                <td data-label="Who">{entry.username ? `${entry.username} (${entry.role ?? '?'}, #${entry.accountId ?? '?'})` : 'anonymous'}</td>
                <td data-label="Action">{entry.action}</td>
                <td data-label="Target">{entry.path}</td>
                <td data-label="Fields">{entry.fields.join(', ') || '—'}</td>
                <td data-label="Status">{entry.status ?? 'unfinished'}</td>
                <td data-label="From">{entry.clientIp ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > 0 && (
        <p class="muted">
          {`${offset + 1}-${Math.min(offset + pageSize, total)} of ${total} `}
          <button type="button" class="button button-quiet" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
            Newer
          </button>
          <button type="button" class="button button-quiet" disabled={offset + pageSize >= total} onClick={() => setOffset(offset + pageSize)}>
            Older
          </button>
        </p>
      )}
    </div>
  );
}
