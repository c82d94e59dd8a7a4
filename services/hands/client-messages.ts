// Reads one message a page sent to /hands (hands-protocol.ts's ClientMessage): JSON of a known type
// with fields of the right kinds and sizes, else a reason in words. A session description is at most
// `maxSdpChars`; an ICE candidate line is short.
import { z } from 'zod';
import type { ClientMessage } from '../../player/src/hands/hands-protocol.ts';

const maxSdpChars = 12_000;
const studentId = z.number().int().positive();
const signal = z.union([
  z.object({ sdp: z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().min(1).max(maxSdpChars) }).strict() }).strict(),
  z
    .object({
      candidate: z
        .object({
          candidate: z.string().max(1000),
          sdpMid: z.string().max(64).nullable().optional(),
          sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
          usernameFragment: z.string().max(256).nullable().optional(),
        })
        .strict()
        .nullable(),
    })
    .strict(),
]);

const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('raise') }).strict(),
  z.object({ type: z.literal('lower') }).strict(),
  z.object({ type: z.literal('accept'), studentId }).strict(),
  z.object({ type: z.literal('mute'), studentId, muted: z.boolean() }).strict(),
  z.object({ type: z.literal('end'), studentId }).strict(),
  z.object({ type: z.literal('signal'), studentId: studentId.optional(), signal }).strict(),
]);

export function readClientMessage(text: string): { message: ClientMessage } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'not JSON' };
  }
  const parsed = clientMessage.safeParse(json);
  if (parsed.success) return { message: parsed.data as ClientMessage };
  const issue = parsed.error.issues[0];
  return { problem: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'not a message this server knows' };
}
