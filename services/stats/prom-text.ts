// Prometheus' text exposition format read back into samples, so the dashboard can take its figures
// from the same /metrics a Prometheus scrapes (the tiers of `all` are read this way too): one figure
// means one thing, whichever tool shows it. Pure; comments, HELP and TYPE lines are skipped.

export type MetricSample = { name: string; labels: Record<string, string>; value: number };

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePromText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = sampleLine.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(labelPair)) labels[pair[1]!] = unescapeLabel(pair[2]!);
    samples.push({ name: match[1]!, labels, value: parseValue(match[3]!) });
  }
  return samples;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function unescapeLabel(text: string): string {
  return text.replace(/\\(.)/g, (_all, char: string) => (char === 'n' ? '\n' : char));
}

/** Samples of one metric whose labels include all of `labels`. */
export function samplesOf(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}): MetricSample[] {
  return samples.filter((sample) => sample.name === name && Object.entries(labels).every(([label, wanted]) => sample.labels[label] === wanted));
}

/** The sum of one metric's samples matching `labels`; undefined when there are none. */
export function sumOf(samples: readonly MetricSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samplesOf(samples, name, labels);
  return found.length === 0 ? undefined : found.reduce((total, sample) => total + sample.value, 0);
}
