// Each page's script: the bundle name (dist/<name>.js, what the page's HTML loads) and its entry file
// under player/src. Read by the build and by the server, which checks that every bundle is built.
export const pageBundles = {
  watch: 'watch.ts',
  timetable: 'timetable/main.tsx',
  login: 'account/login-main.tsx',
  setup: 'account/setup-main.tsx',
  school: 'school/main.tsx',
  admin: 'admin/main.tsx',
  dashboard: 'dashboard/main.tsx',
  hands: 'hands/hands-page.ts',
  teach: 'teach/teach-main.ts',
} as const;

export type PageBundle = keyof typeof pageBundles;
