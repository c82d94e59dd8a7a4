// One resource on the admin page (cities, schools, …): its list, and one form that creates a new
// entry or, after "Edit", changes that entry. Deletes ask first. Every API error (a duplicate name,
// a city that still has schools) is shown next to the form or the list it came from.
import type { ComponentChild, ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ListPage } from '../shared/catalog-types.ts';
import { api } from '../shared/api-client.ts';
import { FormError, useSubmit } from '../shared/forms.tsx';
import { useApiData } from '../shared/use-api-data.ts';
import { i18n, t } from '../i18n/i18n.ts';

export type Column<T> = { label: () => string; value(item: T): ComponentChild };

export type CrudConfig<T extends { id: string | number }, F> = {
  /** Which resource: names it in buttons and questions, and in the page's data-resource attributes. */
  noun: 'city' | 'school' | 'classroom' | 'course' | 'lesson' | 'account' | 'relay' | 'range';
  /** How an entry is named in "Edit …" (its name; its id by default). */
  nameOf?(item: T): string;
  /** List the entries by `nameOf` in the page's collation (pinyin order on a Chinese page) instead of the API's order. */
  sortByName?: boolean;
  /** The collection's path under /api/v1, e.g. '/cities'. */
  path: string;
  /** Where the list is read, when not `${path}?limit=200` (a city's relays are listed for every city at once). */
  listPath?: string;
  /** Where a new entry is POSTed, when not `path` (a relay goes to its city's list). */
  createPath?(form: F): string;
  /** Where an entry is PATCHed and DELETEd, when not `${path}/<id>`. */
  itemPath?(item: T): string;
  columns: Array<Column<T>>;
  /** A blank form for a new entry (a function, so default times are fresh). */
  blank(): F;
  fromItem(item: T): F;
  /** The JSON body for POST (editing null) or PATCH; throw an Error to refuse the form with a message. */
  toBody(form: F, editing: T | null): unknown;
  fields(form: F, set: (change: Partial<F>) => void, editing: T | null): ComponentChildren;
};

export function CrudSection<T extends { id: string | number }, F>({ config }: { config: CrudConfig<T, F> }) {
  const list = useApiData<ListPage<T>>(config.listPath ?? `${config.path}?limit=200`);
  const itemPath = (item: T) => config.itemPath?.(item) ?? `${config.path}/${encodeURIComponent(String(item.id))}`;
  const thing = t('crud.thing', { noun: config.noun });
  const [editing, setEditing] = useState<T | null>(null);
  const [form, setForm] = useState<F>(config.blank);
  const save = useSubmit();
  const removal = useSubmit();

  const set = (change: Partial<F>) => setForm((current) => ({ ...current, ...change }));
  const startEdit = (item: T) => {
    setEditing(item);
    setForm(config.fromItem(item));
    save.clear();
  };
  const startNew = () => {
    setEditing(null);
    setForm(config.blank());
    save.clear();
  };
  const submit = (event: Event) => {
    event.preventDefault();
    void save.run(async () => {
      const body = config.toBody(form, editing);
      if (editing) await api.patch(itemPath(editing), body);
      else await api.post(config.createPath?.(form) ?? config.path, body);
      startNew();
      list.reload();
    });
  };
  const remove = (item: T) => {
    if (!confirm(t('crud.confirmDelete', { thing }))) return;
    void removal.run(async () => {
      await api.delete(itemPath(item));
      if (editing?.id === item.id) startNew();
      list.reload();
    });
  };

  return (
    <div class="crud" data-resource={config.noun}>
      <form class="card form form-grid" onSubmit={submit} data-form={config.noun}>
        <h2 class="form-title">{editing ? t('crud.edit', { thing, name: config.nameOf?.(editing) ?? String(editing.id) }) : t('crud.new', { thing })}</h2>
        {config.fields(form, set, editing)}
        <FormError message={save.error} />
        <div class="form-actions">
          <button class="button button-primary" type="submit" disabled={save.busy}>
            {editing ? t('crud.save') : t('crud.create', { thing })}
          </button>
          {editing && (
            <button class="button" type="button" onClick={startNew}>
              {t('crud.cancel')}
            </button>
          )}
        </div>
      </form>
      {list.error && <p class="form-error" role="alert">{list.error}</p>}
      <FormError message={removal.error} />
      {list.data && <ResourceTable items={config.sortByName && config.nameOf ? sortedOptions(list.data.items, config.nameOf) : list.data.items} total={list.data.total} columns={config.columns} onEdit={startEdit} onDelete={remove} />}
    </div>
  );
}

type TableProps<T> = { items: T[]; total: number; columns: Array<Column<T>>; onEdit(item: T): void; onDelete(item: T): void };

/** A table on a desktop; on a phone each row becomes a card, each cell labelled by its column (site.css). */
function ResourceTable<T extends { id: string | number }>({ items, total, columns, onEdit, onDelete }: TableProps<T>) {
  if (items.length === 0) return <p class="empty">{t('crud.none')}</p>;
  return (
    <>
      <table class="data-table">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label()}>{column.label()}</th>
            ))}
            <th>
              <span class="visually-hidden">{t('crud.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} data-id={String(item.id)}>
              {columns.map((column) => (
                <td key={column.label()} data-label={column.label()}>
                  {column.value(item)}
                </td>
              ))}
              <td class="row-actions">
                <button type="button" class="button button-quiet" onClick={() => onEdit(item)}>
                  {t('crud.editButton')}
                </button>
                <button type="button" class="button button-quiet button-danger" onClick={() => onDelete(item)}>
                  {t('crud.delete')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > items.length && <p class="muted">{t('crud.showing', { shown: items.length, total })}</p>}
    </>
  );
}

/** A <select> of options loaded from the API (the city of a school, the school of a classroom…). */
export function OptionsSelect<T>({
  path,
  value,
  onChange,
  label,
  name,
  optional,
}: {
  path: string;
  value: string;
  onChange(value: string): void;
  label(item: T): string;
  name: string;
  optional?: string;
}) {
  const options = useApiData<ListPage<T & { id: string | number }>>(path);
  return (
    <select name={name} required={!optional} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
      <option value="">{optional ?? t('crud.choose')}</option>
      {sortedOptions(options.data?.items ?? [], label).map((item) => (
        <option key={item.id} value={String(item.id)}>
          {label(item)}
        </option>
      ))}
    </select>
  );
}

/** Options in the order a reader of the page's language sorts their labels (pinyin order on a Chinese page). */
function sortedOptions<T>(items: readonly T[], label: (item: T) => string): T[] {
  return [...items].sort((a, b) => i18n().compare(label(a), label(b)));
}
