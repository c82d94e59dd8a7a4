// Accounts: school admins (who use the school page), teachers, students and other operators.
import type { Account, Role, School } from '../shared/catalog-types.ts';
import { Field } from '../shared/forms.tsx';
import { roleNames } from '../shared/role-links.ts';
import { CrudSection, OptionsSelect, type CrudConfig } from './crud-section.tsx';

type Form = { username: string; displayName: string; password: string; role: Role; schoolId: string };

const config: CrudConfig<Account, Form> = {
  noun: 'account',
  path: '/accounts',
  columns: [
    { label: 'Username', value: (account) => account.username },
    { label: 'Name', value: (account) => account.displayName },
    { label: 'Role', value: (account) => roleNames[account.role] },
    { label: 'School', value: (account) => account.schoolId ?? '—' },
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
        <Field label="Username">
          <input name="username" required autocomplete="off" value={form.username} onInput={(event) => set({ username: event.currentTarget.value })} />
        </Field>
      )}
      <Field label="Name">
        <input name="displayName" required value={form.displayName} onInput={(event) => set({ displayName: event.currentTarget.value })} />
      </Field>
      <Field label={editing ? 'New password (blank keeps it)' : 'Password (10+ characters)'}>
        <input name="password" type="password" autocomplete="new-password" required={!editing} value={form.password} onInput={(event) => set({ password: event.currentTarget.value })} />
      </Field>
      <Field label="Role">
        <select name="role" value={form.role} onChange={(event) => set({ role: event.currentTarget.value as Role })}>
          {(Object.keys(roleNames) as Role[]).map((role) => (
            <option key={role} value={role}>
              {roleNames[role]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="School">
        <OptionsSelect<School> name="schoolId" path="/schools?limit=200" optional="No school" value={form.schoolId} onChange={(schoolId) => set({ schoolId })} label={(school) => school.name} />
      </Field>
    </>
  ),
};

export function AccountsSection() {
  return <CrudSection config={config} />;
}
