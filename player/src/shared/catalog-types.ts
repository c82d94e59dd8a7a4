// The catalog API's resources as the browser sees them (docs/api.md). The pages keep their own copy
// of these shapes instead of importing the server's, so the bundle never pulls in server code.
export type Role = 'operator' | 'school_admin' | 'teacher' | 'student';

export type Account = { id: number; username: string; displayName: string; role: Role; schoolId: number | null };

export type ListPage<T> = { items: T[]; total: number; limit: number; offset: number };

export type City = { id: number; provinceId: number; name: string; schoolCount: number };

export type School = { id: number; cityId: number; cityName: string; name: string; classroomCount: number };

export type EncoderStatus = {
  connected: boolean;
  ingestNode: string;
  lessonId: string | null;
  keyKind: 'primary' | 'backup' | null;
  bitrateKbps: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  remoteAddress: string | null;
  updatedAt: string;
};

export type Classroom = {
  id: string;
  schoolId: number | null;
  schoolName: string | null;
  name: string;
  rtmpUrl: string;
  /** Present only for operators and the school's admins. */
  primaryKey?: string;
  backupKey?: string | null;
  keysRotatedAt: string;
  encoder: EncoderStatus | null;
};

export type Course = {
  id: number;
  schoolId: number;
  schoolName: string;
  title: string;
  subject: string;
  grade: string;
  teacherAccountId: number | null;
  teacherName: string;
  description: string;
};

export type LessonState = 'scheduled' | 'live' | 'ended';
export type LatencyMode = 'low' | 'normal' | 'high';
export type Visibility = 'public' | 'school' | 'protected';

export type Lesson = {
  id: string;
  title: string;
  courseId: number | null;
  courseTitle: string | null;
  subject: string | null;
  grade: string | null;
  teacherName: string | null;
  classroomId: string;
  classroomName: string;
  schoolId: number | null;
  schoolName: string | null;
  cityId: number | null;
  cityName: string | null;
  startsAt: string;
  endsAt: string | null;
  latencyMode: LatencyMode;
  visibility: Visibility;
  state: LessonState;
  adHoc: boolean;
  wentLiveAt: string | null;
  endedAt: string | null;
  masterUrl: string;
  watchUrl: string;
};

export type TimetableFacets = {
  cities: Array<{ id: number; name: string }>;
  schools: Array<{ id: number; name: string; cityId: number }>;
  grades: string[];
  subjects: string[];
};
