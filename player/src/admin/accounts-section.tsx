// Accounts: school admins (who use the school page), teachers, students and other operators.
import type { Account, Role, School } from '../shared/catalog-types.ts';
import { Field } from '../shared/forms.tsx';
import { t } from '../i18n/i18n.ts';
import { roleName } from '../shared/role-links.ts';
import { CrudSection, OptionsSelect, type CrudConfig } from './crud-section.tsx';

const roles: Role[] = ['operator', 'school_admin', 'teacher', 'student'];

type Form = { username: string; displayName: string; password: string; role: Role; schoolId: string };

const config: CrudConfig<Account, Form> = {
  noun: 'account',
  path: '/accounts',
  nameOf: (account) => account.displayName,
  sortByName: true,
  columns: [
    { label: () => t('field.username'), value: (account) => account.username },
    { label: () => t('field.name'), value: (account) => account.displayName },
    { label: () => t('field.role'), value: (account) => roleName(account.role) },
    { label: () => t('field.school'), value: (account) => account.schoolId ?? t('value.none') },
  ],
  blank: () => ({ username: '', displayName: '', password: '', role: 'school_admin', schoolId: '' }),
  fromItem: (account) => ({ username: account.username, displayName: account.displayName, password: '', role: account.role, schoolId: account.schoolId === null ? '' : String(account.schoolId) }),
  toBody: (form, editing) => {
    const schoolId = form.schoolId === '' ? null : Number(form.schoolId);
    const body = { displayName: form.displayName.trim(), role: form.role, schoolId };
    if (editing) return form.password === '' ? body : { ...body, password: form.password };
    return { ...body, username: form.username.trim(), password: form.password };
  },
  fields: (form, set, editing) => (
    <>
      {!editing && (
        <Field label={t('field.username')}>
          <input name="username" required autocomplete="off" value={form.username} onInput={(event) => set({ username: event.currentTarget.value })} />
        </Field>
      )}
      <Field label={t('field.name')}>
        <input name="displayName" required value={form.displayName} onInput={(event) => set({ displayName: event.currentTarget.value })} />
      </Field>
      <Field label={editing ? t('accounts.newPassword') : t('accounts.password')}>
        <input name="password" type="password" autocomplete="new-password" required={!editing} value={form.password} onInput={(event) => set({ password: event.currentTarget.value })} />
      </Field>
      <Field label={t('field.role')}>
        <select name="role" value={form.role} onChange={(event) => set({ role: event.currentTarget.value as Role })}>
          {roles.map((role) => (
            <option key={role} value={role}>
              {roleName(role)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('field.school')}>
        <OptionsSelect<School> name="schoolId" path="/schools?limit=200" optional={t('accounts.noSchool')} value={form.schoolId} onChange={(schoolId) => set({ schoolId })} label={(school) => school.name} />
      </Field>
    </>
  ),
};

export function AccountsSection() {
  return <CrudSection config={config} />;
}
