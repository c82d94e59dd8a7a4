// Ingest's stream-key directory on PGlite and on a real PostgreSQL: primary and backup keys map to
// their classroom, a new or rotated key is picked up by polling the change counter, and a catalog
// that goes away leaves the last keys working, with one warning.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { after, describe, test } from 'node:test';
import { openDatabase } from '../../services/catalog/db/open-database.ts';
import { openKeyDirectory } from '../../services/catalog/ingest/key-directory.ts';
import { createLogger, setLogSink } from '../../services/core/log.ts';
import { catalogDatabaseUrls, stopTestPostgres } from '../helpers/databases.ts';
import { waitFor } from '../helpers/wait-for.ts';

const logLines: string[] = [];
setLogSink((line) => logLines.push(line));
const log = createLogger({ role: 'test' });
after(() => stopTestPostgres());

for (const { name, url } of await catalogDatabaseUrls()) {
  describe(`stream keys on ${name}`, () => {
    test('primary and backup keys find their classroom; changes arrive by polling; a lost catalog keeps the last keys', async () => {
      const db = await openDatabase({ databaseUrl: url, dataDir: tmpdir() }, log);
      await db.query("insert into classrooms (id, name, primary_key, backup_key) values ('room-1', 'Room 1', 'room1-primary-key', 'room1-backup-key')");
      const keys = await openKeyDirectory(db, { refreshSeconds: 0.2, log });
      try {
        assert.deepEqual(keys.classroomFor('room1-primary-key'), { classroomId: 'room-1', keyKind: 'primary' });
        assert.deepEqual(keys.classroomFor('room1-backup-key'), { classroomId: 'room-1', keyKind: 'backup' });
        assert.equal(keys.classroomFor('room1-primary-ke'), undefined);
        assert.equal(keys.classroomFor(''), undefined);

        await db.query("insert into classrooms (id, name, primary_key) values ('room-2', 'Room 2', 'room2-primary-key')");
        await waitFor('the new classroom by polling', () => keys.classroomFor('room2-primary-key')?.classroomId === 'room-2', 5000, 50);
        await db.query("update classrooms set primary_key = 'room1-rotated-key' where id = 'room-1'");
        await waitFor('the rotated key by polling', () => keys.classroomFor('room1-rotated-key')?.keyKind === 'primary', 5000, 50);
        assert.equal(keys.classroomFor('room1-primary-key'), undefined, 'the old key stops working');

        await db.query("update classrooms set backup_key = null where id = 'room-1'");
        await keys.refreshNow();
        assert.equal(keys.classroomFor('room1-backup-key'), undefined);

        logLines.length = 0;
        await db.close();
        await assert.rejects(keys.refreshNow());
        await waitFor('the warning', () => logLines.some((line) => line.includes('stream keys not refreshed')), 5000, 50);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        assert.equal(logLines.filter((line) => line.includes('stream keys not refreshed')).length, 1, 'warned once, not every poll');
        assert.deepEqual(keys.classroomFor('room1-rotated-key'), { classroomId: 'room-1', keyKind: 'primary' }, 'the last keys keep working');
      } finally {
        keys.close();
      }
    });

    test('a key stored before keys had to be 16 characters keeps working and is reported at start', async () => {
      const db = await openDatabase({ databaseUrl: url, dataDir: tmpdir() }, log);
      await db.query("insert into classrooms (id, name, primary_key, backup_key) values ('old-room', 'Old', 'abcd1234', 'old-room-backup-key'), ('new-room', 'New', 'new-room-primary-key', null)");
      logLines.length = 0;
      const keys = await openKeyDirectory(db, { refreshSeconds: 0.2, log });
      try {
        assert.deepEqual(keys.classroomFor('abcd1234'), { classroomId: 'old-room', keyKind: 'primary' });
        const reports = logLines.filter((line) => line.includes('stream keys shorter than'));
        assert.equal(reports.length, 1, logLines.join('\n'));
        const report = JSON.parse(reports[0]!);
        assert.equal(report.level, 'warn');
        assert.deepEqual(report.classrooms, ['old-room']);
        assert.equal(reports[0]!.includes('abcd1234'), false, 'the key itself is not logged');
        await keys.refreshNow();
        assert.equal(logLines.filter((line) => line.includes('stream keys shorter than')).length, 1, 'reported again only when it changes');
      } finally {
        keys.close();
        await db.close();
      }
    });
  });
}
