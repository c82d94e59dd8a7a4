// The audit log on the admin page: the latest changes (who, what, which fields, from where, the
// answer's status), filtered by account, resource and days, a page of 50 at a time, newest first.
import { useState } from 'preact/hooks';
import type { AuditEntry, ListPage, Role } from '../shared/catalog-types.ts';
import { Field } from '../shared/forms.tsx';
import { useApiData } from '../shared/use-api-data.ts';
import { i18n, t } from '../i18n/i18n.ts';
import { instantOfWallClock } from '../i18n/zoned-time.ts';
import { roleName } from '../shared/role-links.ts';
import { auditSentence } from './audit-words.ts';

type Filters = { accountId: string; resource: string; since: string; until: string };

const resources = ['accounts', 'auth', 'cities', 'schools', 'classrooms', 'courses', 'lessons', 'recordings', 'settings'];
const pageSize = 50;

function auditPath(filters: Filters, offset: number): string {
  const query = new URLSearchParams({ limit: String(pageSize), offset: String(offset) });
  if (/^\d+$/.test(filters.accountId.trim())) query.set('accountId', filters.accountId.trim());
  if (filters.resource) query.set('resource', filters.resource);
  // Days are the province's: from its midnight, and a day picked as "until" includes that day.
  const since = provinceMidnight(filters.since, 0);
  const until = provinceMidnight(filters.until, 1);
  if (since) query.set('since', since);
  if (until) query.set('until', until);
  return `/audit?${query.toString()}`;
}

/** The ISO time of midnight of `day` ("2026-11-22") plus `days`, in the province's zone; null for no day. */
function provinceMidnight(day: string, days: number): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [year, month, date] = match.slice(1).map(Number) as [number, number, number];
  return instantOfWallClock({ year, month, day: date + days, hour: 0, minute: 0, second: 0 }, i18n().timeZone).toISOString();
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
        <h2 class="form-title">{t('admin.audit')}</h2>
        <Field label={t('audit.accountId')}>
          <input name="accountId" inputMode="numeric" value={filters.accountId} onInput={(event) => set({ accountId: event.currentTarget.value })} />
        </Field>
        <Field label={t('audit.resource')}>
          <select name="resource" value={filters.resource} onChange={(event) => set({ resource: event.currentTarget.value })}>
            <option value="">{t('audit.all')}</option>
            {resources.map((resource) => (
              <option key={resource} value={resource}>
                {t('audit.resourceName', { resource })}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('audit.since')}>
          <input name="since" type="date" value={filters.since} onInput={(event) => set({ since: event.currentTarget.value })} />
        </Field>
        <Field label={t('audit.until')}>
          <input name="until" type="date" value={filters.until} onInput={(event) => set({ until: event.currentTarget.value })} />
        </Field>
      </form>
      {list.error && <p class="form-error" role="alert">{list.error}</p>}
      {list.data && list.data.items.length === 0 && <p class="empty">{t('audit.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table class="data-table">
          <thead>
            <tr>
              <th>{t('audit.when')}</th>
              <th>{t('audit.who')}</th>
              <th>{t('audit.action')}</th>
              <th>{t('audit.target')}</th>
              <th>{t('audit.fields')}</th>
              <th>{t('audit.status')}</th>
              <th>{t('audit.from')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((entry) => (
              <tr key={entry.id} data-id={String(entry.id)}>
                <td data-label={t('audit.when')}>{t('time.dateTime', { at: new Date(entry.at) })}</td>
                <td data-label={t('audit.who')}>{entry.username ? t('audit.account', { username: entry.username, role: entry.role ? roleName(entry.role as Role) : '?', id: entry.accountId ?? '?' }) : t('audit.anonymous')}</td>
                <td data-label={t('audit.action')} title={entry.action}>
                  {auditSentence(entry)}
                </td>
                <td data-label={t('audit.target')}>{entry.path}</td>
                <td data-label={t('audit.fields')}>{entry.fields.join(', ') || t('value.none')}</td>
                <td data-label={t('audit.status')}>{entry.status ?? t('audit.unfinished')}</td>
                <td data-label={t('audit.from')}>{entry.clientIp ?? t('value.none')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > 0 && (
        <p class="muted">
          {t('audit.range', { first: offset + 1, last: Math.min(offset + pageSize, total), total })}{' '}
          <button type="button" class="button button-quiet" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
            {t('audit.newer')}
          </button>
          <button type="button" class="button button-quiet" disabled={offset + pageSize >= total} onClick={() => setOffset(offset + pageSize)}>
            {t('audit.older')}
          </button>
        </p>
      )}
    </div>
  );
}
