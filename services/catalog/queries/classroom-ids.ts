// A new classroom's id when whoever creates it gives none: classrooms are named in Chinese
// ("高一(1)班"), and nobody should have to invent an ASCII slug for one. The id is short, URL-safe
// and fits classroomIdPattern; it never changes (stream keys, playlists and recordings name it), so
// it is made once, from what ASCII the name has (a readable id for "Room 101") and a random tail.
import { randomBytes } from 'node:crypto';

const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';

/** "room-101-k3x9" for "Room 101", "room-7hq2mw" for "高一(1)班". */
export function classroomIdFor(name: string, random: (count: number) => string = randomTail): string {
  const ascii = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return ascii.length >= 3 ? `${ascii}-${random(4)}` : `room-${random(6)}`;
}

function randomTail(count: number): string {
  return [...randomBytes(count)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
