// Entry point of the school page (/school).
import { mountPage } from '../shared/mount-page.tsx';
import { SchoolPage } from './school-page.tsx';

mountPage(<SchoolPage />);
