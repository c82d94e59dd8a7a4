import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiRequestError, describeError, networkError, parseApiError } from '../../player/src/shared/api-error.ts';

test("the API's error body becomes the message and hint shown by the form", () => {
  const error = parseApiError(409, JSON.stringify({ error: { status: 409, message: 'a city named Riverton exists', hint: 'choose another name' } }));
  assert.ok(error instanceof ApiRequestError);
  assert.equal(error.status, 409);
  assert.equal(error.message, 'a city named Riverton exists');
  assert.equal(error.hint, 'choose another name');
  assert.equal(describeError(error), 'a city named Riverton exists — choose another name');
});

test('an error without a hint shows the message alone', () => {
  const error = parseApiError(400, '{"error":{"status":400,"message":"name: Too small"}}');
  assert.equal(error.hint, undefined);
  assert.equal(describeError(error), 'name: Too small');
});

test('a body that is not an API error still says what happened', () => {
  assert.equal(parseApiError(502, '<html>Bad Gateway</html>').message, 'The server failed (HTTP 502). Try again in a moment.');
  assert.equal(parseApiError(401, '').message, 'Sign in first.');
  assert.equal(parseApiError(403, '{"error":"nope"}').message, 'Your account may not do this.');
  assert.equal(parseApiError(404, '{"error":{"message":""}}').message, 'Not found.');
  assert.equal(parseApiError(422, 'null').message, 'The server refused the request (HTTP 422).');
});

test('a request that got no answer says to check the connection', () => {
  const error = networkError(new TypeError('Failed to fetch'));
  assert.equal(error.status, 0);
  assert.equal(describeError(error), 'Could not reach the server. (Failed to fetch) — Check the connection and try again.');
  assert.equal(describeError(new Error('The two passwords differ.')), 'The two passwords differ.');
});
