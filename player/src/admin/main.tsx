// Entry point of the operator pages (/admin).
import { mountPage } from '../shared/mount-page.tsx';
import { AdminPage } from './admin-page.tsx';

mountPage(<AdminPage />);
