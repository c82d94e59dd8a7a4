// One lesson's raised hands, in memory on the catalog node that carries the lesson's signalling:
// the hands in the order raised, which of them a console accepted (a call), and whether the console
// muted it. At most `maxAccepted` calls at once; a hand accepted beyond that is refused and keeps
// waiting; a hand in another console's call is that console's. Pure (times passed in), so every rule is unit-tested without sockets.

export type Hand = {
  studentId: number;
  name: string;
  raisedAt: number;
  state: 'waiting' | 'accepted';
  muted: boolean;
  /** The console connection that accepted it: the call's other end. */
  acceptedBy?: string;
};

export type QueueRefusal = 'not-raised' | 'not-in-call' | 'limit' | 'taken';

export type HandQueue = {
  /** Raises a hand (a second raise keeps its place); answers its position among the waiting hands. */
  raise(studentId: number, name: string, now: number): number;
  /** Lowers a hand, ending its call; answers the hand it was, if any. */
  lower(studentId: number): Hand | undefined;
  accept(studentId: number, consoleId: string): Hand | QueueRefusal;
  mute(studentId: number, muted: boolean): Hand | QueueRefusal;
  /** Ends a call: the hand is down. */
  end(studentId: number): Hand | QueueRefusal;
  /** Ends every call a console holds (it closed); answers the hands they were. */
  endCallsOf(consoleId: string): Hand[];
  get(studentId: number): Hand | undefined;
  /** 1-based place among the waiting hands; undefined for a hand not waiting. */
  position(studentId: number): number | undefined;
  hands(): readonly Hand[];
  accepted(): number;
};

export function createHandQueue(maxAccepted: number): HandQueue {
  // Insertion order is the order raised.
  const hands = new Map<number, Hand>();
  const accepted = () => [...hands.values()].filter((hand) => hand.state === 'accepted').length;
  return {
    raise(studentId, name, now) {
      if (!hands.has(studentId)) hands.set(studentId, { studentId, name, raisedAt: now, state: 'waiting', muted: false });
      return this.position(studentId) ?? 0;
    },
    lower(studentId) {
      const hand = hands.get(studentId);
      hands.delete(studentId);
      return hand;
    },
    accept(studentId, consoleId) {
      const hand = hands.get(studentId);
      if (!hand) return 'not-raised';
      if (hand.state === 'accepted') return hand.acceptedBy === consoleId ? hand : 'taken';
      if (accepted() >= maxAccepted) return 'limit';
      hand.state = 'accepted';
      hand.acceptedBy = consoleId;
      return hand;
    },
    mute(studentId, muted) {
      const hand = hands.get(studentId);
      if (hand?.state !== 'accepted') return 'not-in-call';
      hand.muted = muted;
      return hand;
    },
    end(studentId) {
      const hand = hands.get(studentId);
      if (hand?.state !== 'accepted') return 'not-in-call';
      hands.delete(studentId);
      return hand;
    },
    endCallsOf(consoleId) {
      const ended = [...hands.values()].filter((hand) => hand.state === 'accepted' && hand.acceptedBy === consoleId);
      for (const hand of ended) hands.delete(hand.studentId);
      return ended;
    },
    get: (studentId) => hands.get(studentId),
    position(studentId) {
      let place = 0;
      for (const hand of hands.values()) {
        if (hand.state !== 'waiting') continue;
        place++;
        if (hand.studentId === studentId) return place;
      }
      return undefined;
    },
    hands: () => [...hands.values()],
    accepted,
  };
}
