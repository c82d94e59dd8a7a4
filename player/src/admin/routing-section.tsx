// Routing viewers to their own city, on the admin page: each city's relays in the order its viewers
// try them, with whether each is up now (the catalog asks its /healthz), and the operator's map of
// address ranges to cities for viewers who are not signed in. Both are lists like the other tabs'
// (crud-section.tsx) over the routing API (services/catalog/api/routes/routing-routes.ts).
import { t } from '../i18n/i18n.ts';
import type { City, ListPage } from '../shared/catalog-types.ts';
import { Field } from '../shared/forms.tsx';
import { useApiData } from '../shared/use-api-data.ts';
import { CrudSection, OptionsSelect, type CrudConfig } from './crud-section.tsx';

type RelayState =
  | { status: 'up'; upstreams: { up: number; total: number } }
  | { status: 'upstream-down'; upstreams: { up: number; total: number } }
  | { status: 'unreachable'; problem: 'refused' | 'timeout' | 'httpStatus' | 'notHealth' | 'network'; reason: string };

type CityRelay = { id: number; cityId: number; mediaUrl: string; trackerUrl: string | null; position: number; state: RelayState };
type AddressRange = { id: number; cityId: number; cidr: string; note: string };

type RelayForm = { cityId: string; mediaUrl: string; trackerUrl: string; position: string };
type RangeForm = { cidr: string; cityId: string; note: string };

type CityName = (id: number) => string;

function relayConfig(cityName: CityName): CrudConfig<CityRelay, RelayForm> {
  return {
    noun: 'relay',
    path: '/relays',
    listPath: '/relays',
    createPath: (form) => `/cities/${encodeURIComponent(form.cityId)}/relays`,
    itemPath: (relay) => `/cities/${relay.cityId}/relays/${relay.id}`,
    nameOf: (relay) => relay.mediaUrl,
    columns: [
      { label: () => t('field.city'), value: (relay) => cityName(relay.cityId) },
      { label: () => t('field.position'), value: (relay) => relay.position },
      { label: () => t('field.mediaUrl'), value: (relay) => <code>{relay.mediaUrl}</code> },
      { label: () => t('field.trackerUrl'), value: (relay) => (relay.trackerUrl ? <code>{relay.trackerUrl}</code> : <span class="muted">{t('routing.ownTracker')}</span>) },
      { label: () => t('field.state'), value: (relay) => <RelayStateBadge state={relay.state} /> },
    ],
    blank: () => ({ cityId: '', mediaUrl: '', trackerUrl: '', position: '0' }),
    fromItem: (relay) => ({ cityId: String(relay.cityId), mediaUrl: relay.mediaUrl, trackerUrl: relay.trackerUrl ?? '', position: String(relay.position) }),
    toBody: (form) => ({ mediaUrl: form.mediaUrl.trim(), trackerUrl: form.trackerUrl.trim() === '' ? null : form.trackerUrl.trim(), position: Number(form.position) }),
    fields: (form, set, editing) => (
      <>
        <Field label={t('field.city')}>
          {editing ? (
            <input name="cityId" value={cityName(editing.cityId)} disabled />
          ) : (
            <OptionsSelect<City> name="cityId" path="/cities?limit=200" value={form.cityId} onChange={(cityId) => set({ cityId })} label={(city) => city.name} />
          )}
        </Field>
        <Field label={t('field.mediaUrl')}>
          <input name="mediaUrl" type="url" required placeholder={t('routing.relayUrlExample')} value={form.mediaUrl} onInput={(event) => set({ mediaUrl: event.currentTarget.value })} />
        </Field>
        <Field label={t('field.trackerUrl')}>
          <input name="trackerUrl" placeholder={t('routing.ownTracker')} value={form.trackerUrl} onInput={(event) => set({ trackerUrl: event.currentTarget.value })} />
        </Field>
        <Field label={t('field.position')}>
          <input name="position" type="number" min="0" max="1000" step="1" required value={form.position} onInput={(event) => set({ position: event.currentTarget.value })} />
        </Field>
      </>
    ),
  };
}

function rangeConfig(cityName: CityName): CrudConfig<AddressRange, RangeForm> {
  return {
    noun: 'range',
    path: '/address-ranges',
    listPath: '/address-ranges',
    nameOf: (range) => range.cidr,
    columns: [
      { label: () => t('field.cidr'), value: (range) => <code>{range.cidr}</code> },
      { label: () => t('field.city'), value: (range) => cityName(range.cityId) },
      { label: () => t('field.note'), value: (range) => range.note || t('value.none') },
    ],
    blank: () => ({ cidr: '', cityId: '', note: '' }),
    fromItem: (range) => ({ cidr: range.cidr, cityId: String(range.cityId), note: range.note }),
    toBody: (form) => ({ cidr: form.cidr.trim(), cityId: Number(form.cityId), note: form.note.trim() }),
    fields: (form, set) => (
      <>
        <Field label={t('field.cidr')}>
          <input name="cidr" required placeholder="10.12.0.0/16" value={form.cidr} onInput={(event) => set({ cidr: event.currentTarget.value })} />
        </Field>
        <Field label={t('field.city')}>
          <OptionsSelect<City> name="cityId" path="/cities?limit=200" value={form.cityId} onChange={(cityId) => set({ cityId })} label={(city) => city.name} />
        </Field>
        <Field label={t('field.note')} wide>
          <input name="note" maxLength={200} value={form.note} onInput={(event) => set({ note: event.currentTarget.value })} />
        </Field>
      </>
    ),
  };
}

function RelayStateBadge({ state }: { state: RelayState }) {
  if (state.status === 'up') return <span class="badge badge-connected" data-state="up">{t('routing.stateUp')}</span>;
  if (state.status === 'upstream-down') {
    return (
      <span class="badge badge-warning" data-state="upstream-down">
        {t('routing.stateUpstreamDown', { up: state.upstreams.up, total: state.upstreams.total })}
      </span>
    );
  }
  return (
    <span class="badge badge-down" data-state="unreachable">
      {t('routing.stateUnreachable', { problem: state.problem, reason: state.reason })}
    </span>
  );
}

export function RoutingSection() {
  // The cities' names for both lists; an id the list does not know (just deleted) shows as itself.
  const cities = useApiData<ListPage<City>>('/cities?limit=200');
  const names = new Map((cities.data?.items ?? []).map((city) => [city.id, city.name]));
  const cityName: CityName = (id) => names.get(id) ?? `#${id}`;
  return (
    <div class="routing" data-section="routing">
      <section aria-labelledby="routing-relays">
        <h2 id="routing-relays">{t('routing.relays')}</h2>
        <p class="muted">{t('routing.relaysNote')}</p>
        <CrudSection config={relayConfig(cityName)} />
      </section>
      <section aria-labelledby="routing-ranges">
        <h2 id="routing-ranges">{t('routing.ranges')}</h2>
        <p class="muted">{t('routing.rangesNote')}</p>
        <CrudSection config={rangeConfig(cityName)} />
      </section>
    </div>
  );
}
