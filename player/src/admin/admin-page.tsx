// /admin, for operators: one tab per resource (the address's #hash says which, so a reload keeps it).
import { useEffect, useState } from 'preact/hooks';
import type { FunctionComponent } from 'preact';
import { t } from '../i18n/i18n.ts';
import { PageFrame } from '../shared/page-frame.tsx';
import { AccountsSection } from './accounts-section.tsx';
import { AuditSection } from './audit-section.tsx';
import { CitiesSection } from './cities-section.tsx';
import { ClassroomsSection } from './classrooms-section.tsx';
import { CoursesSection } from './courses-section.tsx';
import { LessonsSection } from './lessons-section.tsx';
import { RoutingSection } from './routing-section.tsx';
import { SchoolsSection } from './schools-section.tsx';
import { SettingsSection } from './settings-section.tsx';
import { RecordingsSection } from '../recordings/recordings-section.tsx';

function AdminRecordings() {
  return <RecordingsSection operator />;
}

const tabs: Array<{ id: string; label: () => string; section: FunctionComponent }> = [
  { id: 'cities', label: () => t('admin.cities'), section: CitiesSection },
  { id: 'schools', label: () => t('admin.schools'), section: SchoolsSection },
  { id: 'classrooms', label: () => t('admin.classrooms'), section: ClassroomsSection },
  { id: 'courses', label: () => t('admin.courses'), section: CoursesSection },
  { id: 'lessons', label: () => t('admin.lessons'), section: LessonsSection },
  { id: 'accounts', label: () => t('admin.accounts'), section: AccountsSection },
  { id: 'recordings', label: () => t('admin.recordings'), section: AdminRecordings },
  { id: 'routing', label: () => t('admin.routing'), section: RoutingSection },
  { id: 'audit', label: () => t('admin.audit'), section: AuditSection },
  { id: 'settings', label: () => t('admin.settings'), section: SettingsSection },
];

export function AdminPage() {
  return <PageFrame title={t('page.admin')} allow={['operator']}>{() => <AdminTabs />}</PageFrame>;
}

function AdminTabs() {
  const [current, setCurrent] = useState(tabFromHash);
  useEffect(() => {
    const follow = () => setCurrent(tabFromHash());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  const Section = (tabs.find((tab) => tab.id === current) ?? tabs[0]!).section;
  return (
    <>
      <nav class="tabs" aria-label={t('admin.tabs')}>
        {tabs.map((tab) => (
          <a key={tab.id} href={`#${tab.id}`} aria-current={tab.id === current ? 'page' : undefined}>
            {tab.label()}
          </a>
        ))}
      </nav>
      <Section key={current} />
    </>
  );
}

function tabFromHash(): string {
  const id = location.hash.slice(1);
  return tabs.some((tab) => tab.id === id) ? id : 'cities';
}
