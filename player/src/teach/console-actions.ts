// The teacher's actions on the console, each one call of the catalog API (which checks the caller
// is the lesson's teacher, a school admin or an operator, and writes the audit log).
import { api } from '../shared/api-client.ts';
import type { QaConsoleItem, QaSettings } from '../qa/qa-types.ts';

export type ConsoleView = { lesson: string; settings: QaSettings; viewers: number | null; items: QaConsoleItem[] };

export function consoleActions(lessonId: string) {
  const lesson = `/lessons/${encodeURIComponent(lessonId)}/qa`;
  const item = (id: number, action: string) => `${lesson}/items/${id}/${action}`;
  return {
    read: () => api.get<ConsoleView>(lesson),
    answer: (id: number, answer: string) => api.post(item(id, 'answer'), { answer }),
    markAnswered: (id: number, answered: boolean) => api.post(item(id, 'answer'), { answered }),
    pin: (id: number, pinned: boolean) => api.post(item(id, 'pin'), { pinned }),
    hide: (id: number, hidden: boolean) => api.post(item(id, 'hide'), { hidden }),
    mute: (id: number, muted: boolean) => api.post(item(id, 'mute'), { muted }),
    settings: (change: Partial<QaSettings>) => api.patch<QaSettings>(`${lesson}/settings`, change),
  };
}

export type ConsoleActions = ReturnType<typeof consoleActions>;
