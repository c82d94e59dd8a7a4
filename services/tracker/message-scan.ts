// What a tracker message may look like before anyone parses it. JSON.parse's cost grows with a
// message's structure (a 200 KB `[[[[...]]]]` costs it tens of milliseconds), and the tracker shares
// its event loop with the media, so one pass over the bytes first checks that the message is an
// object, nested no deeper and with no more objects and arrays than a real announce or answer needs.
// Strings are skipped with indexOf (memchr), so an announce made of SDP text costs next to nothing.

export type MessageShape = {
  /** Deepest nesting of objects and arrays: an announce's `{ offers: [{ offer: {...} }] }` is 4. */
  maxDepth: number;
  /** Objects and arrays in all: an announce is 2 plus 2 per offer (p2p-media-loader sends at most 5). */
  maxContainers: number;
};

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;

/** Why the message is refused unread, or undefined when JSON.parse may have it. */
export function scanMessage(buffer: Buffer, shape: MessageShape): string | undefined {
  if (buffer[0] !== openBrace) return 'not a JSON object';
  let depth = 0;
  let containers = 0;
  for (let index = 0; index < buffer.length; index++) {
    const byte = buffer[index];
    if (byte === quote) {
      index = closingQuote(buffer, index);
      if (index < 0) return 'unterminated string';
    } else if (byte === openBrace || byte === openBracket) {
      if (++depth > shape.maxDepth) return `nested deeper than ${shape.maxDepth}`;
      if (++containers > shape.maxContainers) return `more than ${shape.maxContainers} objects and arrays`;
    } else if (byte === closeBrace || byte === closeBracket) {
      depth--;
    }
  }
  return undefined;
}

/** The index of the quote that ends the string opening at `open`, or -1. */
function closingQuote(buffer: Buffer, open: number): number {
  let end = open;
  for (;;) {
    end = buffer.indexOf(quote, end + 1);
    if (end < 0) return -1;
    // Escaped when an odd number of backslashes come right before it.
    let backslashes = 0;
    while (buffer[end - 1 - backslashes] === backslash) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
}
