// Entry point of the first-start page (/setup).
import { mountPage } from '../shared/mount-page.tsx';
import { SetupPage } from './setup-page.tsx';

mountPage(<SetupPage />);
