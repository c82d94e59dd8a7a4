// GET /metrics in Prometheus' text format, for one role's registry. Never cached: every scrape must
// see the figures of that moment.
import { Router } from 'express';
import type { Registry } from 'prom-client';

export function metricsRoute(register: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_request, response) => {
    const text = await register.metrics();
    response.set('Cache-Control', 'no-store').type(register.contentType).send(text);
  });
  return router;
}
