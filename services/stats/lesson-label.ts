// The `lesson` label a metric carries. /metrics answers anyone who can reach a tier, so a lesson
// that is not public (school or protected visibility) never appears there by id: it is labelled by
// its classroom where the tier knows it (an ingest node: one live lesson per classroom, so the
// operator dashboard can still find its figures), else by a plain placeholder (a relay).
export const protectedPlaceholder = 'protected';

export type LabelledLesson = { id: string; classroomId?: string | undefined; protected: boolean };

export function protectedLessonLabel(classroomId: string | undefined): string {
  return classroomId ? `${protectedPlaceholder}:${classroomId}` : protectedPlaceholder;
}

export function lessonLabel(lesson: LabelledLesson): string {
  return lesson.protected ? protectedLessonLabel(lesson.classroomId) : lesson.id;
}

/**
 * A per-lesson figure read from metrics, found for a catalog lesson whether its series is labelled
 * by its id (public) or by its classroom (not public).
 */
export function figureOf<T>(byLabel: ReadonlyMap<string, T>, lesson: { id: string; classroomId: string }): T | undefined {
  return byLabel.get(lesson.id) ?? byLabel.get(protectedLessonLabel(lesson.classroomId));
}
