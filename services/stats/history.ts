// The dashboard's memory of the last hours, in process, so it needs no Prometheus: one ring buffer
// of sample times and one per series (a Float64Array each, NaN where a series had no value), a point
// at most every `intervalMs`, kept `keepMs`. Memory is bounded: the rings never grow, a series not
// seen for the whole window is dropped, and beyond `maxSeries` new series are refused (and counted).
// Pure (times passed in), so it is tested without timers.

export type HistorySettings = { intervalMs: number; keepMs: number; maxSeries: number };

export const defaultHistorySettings: HistorySettings = { intervalMs: 10_000, keepMs: 6 * 3600_000, maxSeries: 400 };

/** Points in time order; each series has one value (or null) per time. */
export type HistoryWindow = { times: number[]; series: Record<string, Array<number | null>> };

export type History = {
  /** Records a point; ignored (false) when it comes sooner than `intervalMs` after the last. Null and absent mean "no value". */
  add(at: number, values: Readonly<Record<string, number | null>>): boolean;
  /** Points at or after `since`, averaged into at most `maxPoints` buckets of equal time. */
  read(since: number, maxPoints?: number): HistoryWindow;
  /** One series' values (no gaps) at or after `since`, oldest first. */
  values(key: string, since: number): number[];
  size(): { points: number; series: number; refusedSeries: number };
};

export function createHistory(settings: Partial<HistorySettings> = {}): History {
  const { intervalMs, keepMs, maxSeries } = { ...defaultHistorySettings, ...settings };
  const capacity = Math.max(1, Math.ceil(keepMs / intervalMs));
  const times = new Float64Array(capacity);
  const series = new Map<string, { values: Float64Array; lastSeenAt: number }>();
  /** Index of the oldest point, and how many there are. */
  let first = 0;
  let count = 0;
  let refusedSeries = 0;

  const indexAt = (position: number) => (first + position) % capacity;
  const lastTime = () => (count === 0 ? Number.NEGATIVE_INFINITY : times[indexAt(count - 1)]!);

  /** Positions (0 = oldest) of the points at or after `since`. */
  const positionsSince = (since: number): number[] => {
    const positions: number[] = [];
    for (let position = 0; position < count; position++) if (times[indexAt(position)]! >= since) positions.push(position);
    return positions;
  };

  return {
    add(at, values) {
      if (at - lastTime() < intervalMs) return false;
      const slot = count < capacity ? indexAt(count) : first;
      if (count < capacity) count++;
      else first = (first + 1) % capacity;
      times[slot] = at;
      for (const entry of series.values()) entry.values[slot] = Number.NaN;
      for (const [key, value] of Object.entries(values)) {
        if (value === null || !Number.isFinite(value)) continue;
        let entry = series.get(key);
        if (!entry) {
          if (series.size >= maxSeries) {
            refusedSeries++;
            continue;
          }
          entry = { values: new Float64Array(capacity).fill(Number.NaN), lastSeenAt: at };
          series.set(key, entry);
        }
        entry.values[slot] = value;
        entry.lastSeenAt = at;
      }
      // A series with no value left in the window (a lesson long over) gives its memory back.
      const oldest = times[first]!;
      for (const [key, entry] of series) if (entry.lastSeenAt < oldest) series.delete(key);
      return true;
    },

    read(since, maxPoints = capacity) {
      const positions = positionsSince(since);
      if (positions.length === 0) return { times: [], series: {} };
      const start = times[indexAt(positions[0]!)]!;
      const end = times[indexAt(positions.at(-1)!)]!;
      const buckets = Math.max(1, Math.min(maxPoints, positions.length));
      const width = (end - start) / buckets || 1;
      const bucketOf = (time: number) => Math.min(buckets - 1, Math.floor((time - start) / width));
      const bucketTimes: number[] = [];
      const members: number[][] = Array.from({ length: buckets }, () => []);
      for (const position of positions) members[bucketOf(times[indexAt(position)]!)]!.push(position);
      const used = members.filter((bucket) => bucket.length > 0);
      for (const bucket of used) bucketTimes.push(times[indexAt(bucket.at(-1)!)]!);
      const out: Record<string, Array<number | null>> = {};
      for (const [key, entry] of series) {
        out[key] = used.map((bucket) => {
          let sum = 0;
          let seen = 0;
          for (const position of bucket) {
            const value = entry.values[indexAt(position)]!;
            if (Number.isNaN(value)) continue;
            sum += value;
            seen++;
          }
          return seen === 0 ? null : sum / seen;
        });
      }
      return { times: bucketTimes, series: out };
    },

    values(key, since) {
      const entry = series.get(key);
      if (!entry) return [];
      return positionsSince(since)
        .map((position) => entry.values[indexAt(position)]!)
        .filter((value) => !Number.isNaN(value));
    },

    size: () => ({ points: count, series: series.size, refusedSeries }),
  };
}
