// Entry point of the operator dashboard (/dashboard).
import { mountPage } from '../shared/mount-page.tsx';
import { DashboardPage } from './dashboard-page.tsx';

mountPage(<DashboardPage />);
