// Run as its own process by test/e2e/db-migrations.test.ts, so two processes can migrate one
// PostgreSQL database at once: opens the database named on the command line, migrates it, and
// prints how many migrations this process applied as one JSON line.
import { migrate } from '../../services/catalog/db/migrate.ts';
import { openPgDatabase } from '../../services/catalog/db/pg-database.ts';

const url = process.argv[2];
if (!url) throw new Error('usage: node --import tsx test/helpers/migrate-once.ts <postgres url>');
const db = await openPgDatabase(url);
try {
  process.stdout.write(`${JSON.stringify({ applied: await migrate(db) })}\n`);
} finally {
  await db.close();
}
