// A classroom encoder as a cluster expects one to behave: before each (re)connect it asks the
// catalog which ingest node carries its classroom (POST /api/v1/ingest/assignment), then pushes the
// demo picture there with real ffmpeg; when the push ends (the node died, or refused it), it asks
// again a moment later.
import { startDemoEncoder, type DemoEncoder, type DemoEncoderOptions } from '../../services/demo/demo-encoder.ts';

export type Assignment = { classroomId: string; node: string; rtmpUrl: string; pushUrl: string };

export type PushAttempt = { node: string; pushUrl: string; startedAt: number; endedAt?: number; exitCode?: number | null; stderr?: string };

export type AssignedEncoder = {
  /** Every push so far, oldest first; the last one is under way unless it has an endedAt. */
  pushes: PushAttempt[];
  stop(): Promise<void>;
};

export type AssignedEncoderOptions = Omit<DemoEncoderOptions, 'rtmpUrl'> & {
  catalogUrl: string;
  streamKey: string;
  /** Wait between a push ending (or a failed question) and the next question. */
  retryMs?: number;
  onEvent?: (message: string) => void;
};

export async function askAssignment(catalogUrl: string, streamKey: string): Promise<Assignment> {
  const response = await fetch(`${catalogUrl}/api/v1/ingest/assignment`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ streamKey }),
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${catalogUrl}/api/v1/ingest/assignment: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as Assignment;
}

export function startAssignedEncoder(options: AssignedEncoderOptions): AssignedEncoder {
  const { catalogUrl, streamKey, retryMs = 1000, onEvent = () => {}, ...encoderOptions } = options;
  const pushes: PushAttempt[] = [];
  let stopped = false;
  let current: DemoEncoder | undefined;
  let wake: (() => void) | undefined;
  const pause = () => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, retryMs);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

  const loop = (async () => {
    while (!stopped) {
      let assignment: Assignment;
      try {
        assignment = await askAssignment(catalogUrl, streamKey);
      } catch (error) {
        onEvent(`no assignment yet: ${(error as Error).message}`);
        await pause();
        continue;
      }
      if (stopped) break;
      const attempt: PushAttempt = { node: assignment.node, pushUrl: assignment.pushUrl, startedAt: Date.now() };
      pushes.push(attempt);
      onEvent(`pushing to ${assignment.node} (${assignment.rtmpUrl})`);
      current = startDemoEncoder({ ...encoderOptions, rtmpUrl: assignment.pushUrl });
      attempt.exitCode = await current.exited;
      attempt.endedAt = Date.now();
      attempt.stderr = current.stderrTail();
      current = undefined;
      if (!stopped) {
        onEvent(`push to ${assignment.node} ended (exit ${attempt.exitCode}); asking again`);
        await pause();
      }
    }
  })();

  return {
    pushes,
    async stop() {
      stopped = true;
      wake?.();
      await current?.stop();
      await loop;
    },
  };
}
