// Reads the headers of the WebSocket frames a viewer sends (RFC 6455 §5.2), and nothing else, as they
// pass through the node's thread to the tracker's (tracker-thread.ts): a frame longer than the
// tracker takes is refused there, before its bytes are copied on. Without it, a flood of oversized
// messages cost the node's thread more than the tracker did in-process: each connection's socket
// buffers (megabytes on loopback) were copied across before the tracker thread's own check closed it.
// Pure: bytes in, a verdict out.

export type FrameGate = {
  /** Takes the next bytes from the viewer: 'ok', or 'too-big' once a frame announces more than the limit. */
  feed(chunk: Uint8Array): 'ok' | 'too-big';
};

export function createFrameGate(maxPayloadBytes: number): FrameGate {
  /** Bytes of the current frame's payload still to pass before the next header. */
  let payloadLeft = 0;
  /** The current header's bytes so far (at most 14). */
  let header: number[] = [];
  let refused = false;

  /** Header bytes up to the end of the length field, once the first two bytes are known. */
  const lengthEnd = () => {
    const len7 = header[1]! & 0x7f;
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0);
  };
  /** The header's full length: the length field, then the mask key a client's frame carries. */
  const headerLength = () => lengthEnd() + ((header[1]! & 0x80) !== 0 ? 4 : 0);
  const payloadLength = () => {
    const len7 = header[1]! & 0x7f;
    if (len7 < 126) return len7;
    if (len7 === 126) return (header[2]! << 8) | header[3]!;
    // 64-bit length: anything over 2^32 is over every limit.
    if (header.slice(2, 6).some((byte) => byte !== 0)) return Number.POSITIVE_INFINITY;
    return ((header[6]! << 24) >>> 0) + (header[7]! << 16) + (header[8]! << 8) + header[9]!;
  };

  return {
    feed(chunk) {
      if (refused) return 'too-big';
      let index = 0;
      while (index < chunk.length) {
        if (payloadLeft > 0) {
          const skip = Math.min(payloadLeft, chunk.length - index);
          payloadLeft -= skip;
          index += skip;
          continue;
        }
        header.push(chunk[index++]!);
        if (header.length < 2) continue;
        // Judged as soon as the length is known, before the mask key.
        if (header.length === lengthEnd() && payloadLength() > maxPayloadBytes) {
          refused = true;
          return 'too-big';
        }
        if (header.length < headerLength()) continue;
        payloadLeft = payloadLength();
        header = [];
      }
      return 'ok';
    },
  };
}

/** A close frame from the server (unmasked) with `code`: 1009 says the message was too big. */
export function closeFrame(code: number): Buffer {
  return Buffer.from([0x88, 0x02, (code >> 8) & 0xff, code & 0xff]);
}
