// The catalog's fixed error sentences a page can say in its own language: what a clash with
// existing data means (services/catalog/api/constraint-messages.ts), a malformed relay or tracker
// URL, and the sentences that name the value at fault (a malformed address range, a city gone). The server keeps English (its
// logs and scripts read it); test/unit/server-words.test.ts fails when a new fixed sentence has no
// words here. Pure.
import type { MessageKey } from '../i18n/messages/catalogs.ts';

export const serverWords: Record<string, MessageKey> = {
  'a province with this name already exists': 'server.provinceExists',
  'a city with this name already exists': 'server.cityExists',
  'this city already has a school with this name': 'server.schoolExists',
  'a classroom with this id already exists': 'server.classroomIdExists',
  'this school already has a classroom with this name': 'server.classroomExists',
  'this stream key is already in use': 'server.keyInUse',
  'this school already has a course with this title': 'server.courseExists',
  'this course already has a file with this name': 'server.fileExists',
  'a lesson with this id already exists': 'server.lessonIdExists',
  'username: already taken': 'server.usernameTaken',
  'this city already has a relay at this URL': 'server.relayExists',
  'this address range is already mapped to a city': 'server.rangeMapped',
  'something with these values already exists': 'server.exists',
  'mediaUrl: a relay URL is http(s)://host[:port], e.g. https://relay-1.city-a.example, with no path': 'server.badRelayUrl',
  'trackerUrl: a tracker URL is ws:// or wss://, e.g. wss://relay-1.city-a.example/tracker': 'server.badTrackerUrl',
};

/** The catalog's sentences that name the value at fault, said in the page's words with that value. */
export const serverPatterns: ReadonlyArray<{ pattern: RegExp; key: MessageKey }> = [
  { pattern: /^cidr: '(?<text>.*)' is not an address range/, key: 'server.notCidr' },
  { pattern: /^cityId: no city (?<id>\d+)$/, key: 'server.noCity' },
];
