// Entry point of the timetable page (/).
import { mountPage } from '../shared/mount-page.tsx';
import { TimetablePage } from './timetable-page.tsx';

mountPage(<TimetablePage />);
