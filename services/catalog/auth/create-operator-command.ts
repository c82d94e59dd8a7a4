// `classcast create-operator --username NAME [--display-name "..."]`: makes an operator account from
// a shell, for a province that would rather not use the setup URL (or has lost every operator).
// The password comes from CLASSCAST_PASSWORD or stdin, never from a flag, so it stays out of the
// shell history and the process list.
import { createInterface } from 'node:readline';
import type { Config } from '../../core/config/schema.ts';
import { ConfigError } from '../../core/config/errors.ts';
import type { Logger } from '../../core/log.ts';
import { openDatabase } from '../db/open-database.ts';
import { createAccount } from './accounts.ts';

export type CreateOperatorFlags = { username: string | undefined; displayName: string | undefined };
type Io = { env: NodeJS.ProcessEnv; stdin: NodeJS.ReadStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };

/** Returns the exit code: 0 created, 1 refused (taken username, short password, database unreachable). */
export async function createOperatorCommand(config: Config, flags: CreateOperatorFlags, log: Logger, io: Io): Promise<number> {
  if (!flags.username) throw new ConfigError('create-operator needs --username NAME (and the password in CLASSCAST_PASSWORD or on stdin)');
  const password = io.env.CLASSCAST_PASSWORD ?? (await readPassword(io, `Password for ${flags.username}: `));
  if (password === undefined) {
    io.stderr.write('classcast: create-operator: no password: set CLASSCAST_PASSWORD or type it on stdin\n');
    return 1;
  }
  let db;
  try {
    db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, log);
  } catch (error) {
    io.stderr.write(`classcast: create-operator: ${(error as Error).message}\n`);
    return 1;
  }
  try {
    const account = await createAccount(db, { username: flags.username, password, displayName: flags.displayName ?? flags.username, role: 'operator' });
    io.stdout.write(`created operator ${account.username} (account ${account.id}); sign in at /login\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`classcast: create-operator: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await db.close();
  }
}

/** One line from stdin; on a terminal, prompted and not echoed. Undefined when stdin ends first. */
function readPassword(io: Io, prompt: string): Promise<string | undefined> {
  return io.stdin.isTTY ? readHiddenLine(io.stdin, io.stderr, prompt) : readFirstLine(io.stdin);
}

async function readFirstLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}

function readHiddenLine(input: NodeJS.ReadStream, output: NodeJS.WritableStream, prompt: string): Promise<string | undefined> {
  output.write(prompt);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  let typed = '';
  return new Promise((resolve) => {
    const finish = (value: string | undefined) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
      resolve(value);
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') return finish(typed);
        // Ctrl-C and Ctrl-D give up, as they would at any other prompt.
        if (character === '\u0003' || character === '\u0004') return finish(undefined);
        if (character === '\u007f' || character === '\b') typed = typed.slice(0, -1);
        else typed += character;
      }
    };
    input.on('data', onData);
  });
}
