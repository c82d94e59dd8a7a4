// The typed emitter (services/core/typed-events.ts) the transcoder announces its progress through:
// every listener of a name hears each payload, in order, until it unsubscribes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEmitter } from '../../services/core/typed-events.ts';

test('listeners hear their own event, in the order they subscribed, until they unsubscribe', () => {
  const emitter = createEmitter<{ progress: number; exit: string }>();
  const heard: string[] = [];
  const stopFirst = emitter.on('progress', (value) => heard.push(`first ${value}`));
  emitter.on('progress', (value) => heard.push(`second ${value}`));
  emitter.on('exit', (value) => heard.push(`exit ${value}`));
  emitter.emit('progress', 1);
  stopFirst();
  emitter.emit('progress', 2);
  emitter.emit('exit', 'done');
  assert.deepEqual(heard, ['first 1', 'second 1', 'second 2', 'exit done']);
});
