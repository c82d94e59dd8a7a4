// An audit log entry as a sentence for people ("olga created the first operator account", "sam
// rotated the stream key of classroom north-101"), in the page's language, from what the log keeps:
// the route ("POST /classrooms/:id/rotate-key"), the resource and its id, the fields sent and the
// answer's status. A route it has no words for reads as the route itself. Pure.
import type { AuditEntry } from '../shared/catalog-types.ts';
import { t } from '../i18n/i18n.ts';

type Verb = 'setup' | 'login' | 'logout' | 'create' | 'change' | 'delete' | 'rotateKey' | 'endLesson' | 'recordingStart' | 'recordingStop' | 'prepareMp4' | 'pin' | 'other';

export function auditVerb(action: string, fields: readonly string[]): Verb {
  const [method = '', route = ''] = action.split(' ');
  if (route === '/setup') return 'setup';
  if (route === '/auth/login') return 'login';
  if (route === '/auth/logout') return 'logout';
  if (route.endsWith('/rotate-key')) return 'rotateKey';
  if (route === '/lessons/:id/end') return 'endLesson';
  if (route.endsWith('/recording/start')) return 'recordingStart';
  if (route.endsWith('/recording/stop')) return 'recordingStop';
  if (route.endsWith('/mp4') && method === 'POST') return 'prepareMp4';
  if (route === '/recordings/:id' && method === 'PATCH' && fields.length === 1 && fields[0] === 'pinned') return 'pin';
  // A city's relays: /cities/:id/relays (create) and /cities/:id/relays/:relayId (change, delete).
  if (route === '/cities/:id/relays' && method === 'POST') return 'create';
  if (route === '/cities/:id/relays/:relayId' && method === 'PATCH') return 'change';
  if (route === '/cities/:id/relays/:relayId' && method === 'DELETE') return 'delete';
  // Plain resource routes: /things (create) and /things/:id (change, delete).
  if (/^\/[a-z-]+$/.test(route) && method === 'POST') return 'create';
  if (/^\/[a-z-]+\/:id$/.test(route) && (method === 'PATCH' || method === 'PUT')) return 'change';
  if (/^\/[a-z-]+\/:id$/.test(route) && method === 'DELETE') return 'delete';
  return 'other';
}

export function auditSentence(entry: AuditEntry): string {
  const verb = auditVerb(entry.action, entry.fields);
  // The routing routes share one resource: a city's relays (whose id in the log is the city's) or address ranges.
  const routing = entry.resource === 'routing' ? (entry.action.includes('/relays') ? 'relays' : 'ranges') : undefined;
  const sentence = t('audit.sentence', {
    who: entry.username ?? t('audit.anonymous'),
    verb,
    kind: routing ?? entry.resource,
    target: routing === 'relays' ? '' : (entry.resourceId ?? ''),
    city: routing === 'relays' ? (entry.resourceId ?? '') : '',
    fields: entry.fields.length > 0 && verb === 'change' ? entry.fields.join(', ') : 'none',
    action: entry.action,
  });
  return entry.status !== null && entry.status >= 400 ? t('audit.refused', { sentence: tidy(sentence), status: entry.status }) : tidy(sentence);
}

/** A relay's sentence leaves its target empty (the city is named inside it): no doubled or dangling space then. */
function tidy(sentence: string): string {
  return sentence.replace(/ {2,}/g, ' ').replace(/ (?=（)/g, '').replace(/ +$/, '');
}
