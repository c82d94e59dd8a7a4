// One JSON shape for every error Classcast's HTTP servers return: what went wrong and what to do.
import type { Response } from 'express';

export type ErrorBody = { error: { status: number; message: string; hint?: string } };

export function sendError(response: Response, status: number, message: string, hint?: string): void {
  const body: ErrorBody = { error: { status, message, ...(hint ? { hint } : {}) } };
  response.status(status).type('application/json').send(JSON.stringify(body));
}
