// How a course's grade reads: a number is "Grade 9" / "9 年级"; a grade that is already a name
// ("高一", "Year 10") is shown as it is, never wrapped in another language's words. Pure.
import { t } from '../i18n/i18n.ts';

export function gradeLabel(grade: string): string {
  return /^\d+$/.test(grade.trim()) ? t('grade.number', { grade: grade.trim() }) : grade;
}
