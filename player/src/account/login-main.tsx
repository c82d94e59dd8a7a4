// Entry point of the sign-in page (/login).
import { mountPage } from '../shared/mount-page.tsx';
import { LoginPage } from './login-page.tsx';

mountPage(<LoginPage />);
