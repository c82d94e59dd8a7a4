// Routing viewers to their own city (services/catalog/routing/): operators list, add, change and
// remove a city's relays (in the order its viewers try them; every city's at once with whether each
// is up) and map client address ranges to cities for viewers who are not signed in; anyone may ask
// which city and relays the pages route them to.
import { z } from 'zod';
import { getCity } from '../../queries/cities.ts';
import {
  addAddressRange,
  addCityRelay,
  deleteAddressRange,
  deleteCityRelay,
  listAddressRanges,
  listAllCityRelays,
  listCityRelays,
  updateAddressRange,
  updateCityRelay,
} from '../../queries/city-routing.ts';
import { canonicalCidr } from '../../routing/address-ranges.ts';
import { probeRelay } from '../../routing/relay-health.ts';
import { createViewerCities } from '../../routing/viewer-city.ts';
import type { Queryable } from '../../db/database.ts';
import { ApiError, notFound } from '../api-error.ts';
import { idField, pathId } from '../fields.ts';
import { deletedSchema } from '../resource-schemas.ts';
import { route, type RouteSpec } from '../route-spec.ts';

const mediaUrlField = z
  .string()
  .regex(/^https?:\/\/[^/\s"'<>?#@]+\/?$/, 'a relay URL is http(s)://host[:port], e.g. https://relay-1.city-a.example, with no path')
  .transform((url) => url.replace(/\/+$/, ''));
const trackerUrlField = z.string().regex(/^wss?:\/\/[^\s"'<>]+$/, 'a tracker URL is ws:// or wss://, e.g. wss://relay-1.city-a.example/tracker');
const relayBody = z
  .object({
    mediaUrl: mediaUrlField,
    trackerUrl: trackerUrlField.nullable().optional().describe("the P2P tracker its viewers announce to; absent or null: the relay's own /tracker"),
    position: z.number().int().min(0).max(1000).optional().describe('the order its city tries its relays in, lowest first (default 0, then by creation)'),
  })
  .strict();
const rangeBody = z
  .object({
    cidr: z.string().trim().min(1).max(64).describe('an IPv4 or IPv6 range in CIDR form, e.g. 10.12.0.0/16; a bare address is a range of one'),
    cityId: idField,
    note: z.string().trim().max(200).optional().describe("what the range is, e.g. the city's education network"),
  })
  .strict();

const relayChange = z
  .object({
    mediaUrl: mediaUrlField.optional(),
    trackerUrl: trackerUrlField.nullable().optional().describe("null: the relay's own /tracker"),
    position: z.number().int().min(0).max(1000).optional(),
  })
  .strict();
const rangeChange = z
  .object({
    cidr: z.string().trim().min(1).max(64).optional(),
    cityId: idField.optional(),
    note: z.string().trim().max(200).optional(),
  })
  .strict();

const relaySchema = z.object({ id: z.number().int(), cityId: z.number().int(), mediaUrl: z.string(), trackerUrl: z.string().nullable(), position: z.number().int() });
const rangeSchema = z.object({ id: z.number().int(), cityId: z.number().int(), cidr: z.string(), note: z.string() });
const relayStateSchema = z
  .object({
    status: z.enum(['up', 'upstream-down', 'unreachable']),
    upstreams: z.object({ up: z.number().int(), total: z.number().int() }).optional(),
    problem: z.enum(['refused', 'timeout', 'httpStatus', 'notHealth', 'network']).optional().describe('unreachable: why, in a word'),
    reason: z.string().optional().describe('unreachable: the detail (an error code, the HTTP status)'),
  })
  .describe("what the relay's /healthz said just now: up, up with some of its upstreams down, or no answer (and why)");
const viewerRouteSchema = z.object({
  cityId: z.number().int().nullable().describe("the viewer's city; null: none known, the pages give the province's relays"),
  via: z.enum(['school', 'address', 'none']).describe("how it was found: the signed-in account's school, a mapped address range, or not at all"),
  relays: z.array(z.object({ mediaUrl: z.string(), trackerUrl: z.string().nullable() })).describe("the city's relays, tried before the province's"),
});

/** A range's cidr in canonical form, or a 400 that says what is wrong with it. */
function cidrOf(text: string): string {
  const canonical = canonicalCidr(text);
  if ('error' in canonical) throw new ApiError(400, `cidr: ${canonical.error}`);
  return canonical.cidr;
}

async function requireRangeCity(db: Queryable, cityId: number): Promise<void> {
  if (!(await getCity(db, cityId))) throw new ApiError(400, `cityId: no city ${cityId}`, 'list them at /api/v1/cities');
}

async function requireCity(db: Queryable, id: number): Promise<void> {
  if (!(await getCity(db, id))) throw notFound('city', id);
}

export const routingRoutes: RouteSpec[] = [
  route({
    method: 'get',
    path: '/cities/:id/relays',
    summary: "A city's relays, in the order its viewers try them",
    tag: 'routing',
    access: ['operator'],
    response: z.object({ items: z.array(relaySchema) }),
    async handler({ params, context }) {
      const cityId = pathId(params.id, 'city');
      await requireCity(context.db, cityId);
      return { body: { items: await listCityRelays(context.db, cityId) } };
    },
  }),
  route<undefined, z.infer<typeof relayBody>>({
    method: 'post',
    path: '/cities/:id/relays',
    summary: "Add a relay to a city: its viewers play from it first (applies within 2 s)",
    tag: 'routing',
    access: ['operator'],
    body: relayBody,
    response: relaySchema,
    successStatus: 201,
    async handler({ params, body, context }) {
      const cityId = pathId(params.id, 'city');
      await requireCity(context.db, cityId);
      return { status: 201, body: await addCityRelay(context.db, { cityId, mediaUrl: body.mediaUrl, trackerUrl: body.trackerUrl ?? null, position: body.position ?? 0 }) };
    },
  }),
  route<undefined, z.infer<typeof relayChange>>({
    method: 'patch',
    path: '/cities/:id/relays/:relayId',
    summary: "Change a city's relay: its URL, its tracker or its place in the order (applies within 2 s)",
    tag: 'routing',
    access: ['operator'],
    body: relayChange,
    response: relaySchema,
    async handler({ params, body, context }) {
      const cityId = pathId(params.id, 'city');
      const relayId = pathId(params.relayId, 'relay');
      const changed = await updateCityRelay(context.db, cityId, relayId, body);
      if (!changed) throw new ApiError(404, `city ${cityId} has no relay ${relayId}`, `list them at /api/v1/cities/${cityId}/relays`);
      return { body: changed };
    },
  }),
  route({
    method: 'delete',
    path: '/cities/:id/relays/:relayId',
    summary: "Remove a relay from a city's list",
    tag: 'routing',
    access: ['operator'],
    response: deletedSchema,
    async handler({ params, context }) {
      const cityId = pathId(params.id, 'city');
      const relayId = pathId(params.relayId, 'relay');
      if (!(await deleteCityRelay(context.db, cityId, relayId))) throw new ApiError(404, `city ${cityId} has no relay ${relayId}`, `list them at /api/v1/cities/${cityId}/relays`);
      return { body: { deleted: true } };
    },
  }),
  route({
    method: 'get',
    path: '/relays',
    summary: "Every city's relays, by city and in the order its viewers try them, each with whether it is up now (its /healthz, asked with a 2 s timeout)",
    tag: 'routing',
    access: ['operator'],
    response: z.object({ items: z.array(relaySchema.extend({ state: relayStateSchema })) }),
    async handler({ context }) {
      const relays = await listAllCityRelays(context.db);
      const states = await Promise.all(relays.map((relay) => probeRelay(relay.mediaUrl)));
      return { body: { items: relays.map((relay, index) => ({ ...relay, state: states[index]! })) } };
    },
  }),
  route({
    method: 'get',
    path: '/address-ranges',
    summary: 'The address ranges mapped to cities, for viewers who are not signed in',
    tag: 'routing',
    access: ['operator'],
    response: z.object({ items: z.array(rangeSchema) }),
    async handler({ context }) {
      return { body: { items: await listAddressRanges(context.db) } };
    },
  }),
  route<undefined, z.infer<typeof rangeBody>>({
    method: 'post',
    path: '/address-ranges',
    summary: "Map an address range to a city: viewers from it who are not signed in get that city's relays (the most specific range wins; applies within 2 s)",
    tag: 'routing',
    access: ['operator'],
    body: rangeBody,
    response: rangeSchema,
    successStatus: 201,
    async handler({ body, context }) {
      const cidr = cidrOf(body.cidr);
      await requireRangeCity(context.db, body.cityId);
      return { status: 201, body: await addAddressRange(context.db, { cityId: body.cityId, cidr, note: body.note ?? '' }) };
    },
  }),
  route<undefined, z.infer<typeof rangeChange>>({
    method: 'patch',
    path: '/address-ranges/:id',
    summary: 'Change an address range, the city it maps to, or its note (applies within 2 s)',
    tag: 'routing',
    access: ['operator'],
    body: rangeChange,
    response: rangeSchema,
    async handler({ params, body, context }) {
      const id = pathId(params.id, 'address range');
      const cidr = body.cidr === undefined ? undefined : cidrOf(body.cidr);
      if (body.cityId !== undefined) await requireRangeCity(context.db, body.cityId);
      const changed = await updateAddressRange(context.db, id, { ...(cidr ? { cidr } : {}), ...(body.cityId !== undefined ? { cityId: body.cityId } : {}), ...(body.note !== undefined ? { note: body.note } : {}) });
      if (!changed) throw new ApiError(404, `no address range ${id}`, 'list them at /api/v1/address-ranges');
      return { body: changed };
    },
  }),
  route({
    method: 'delete',
    path: '/address-ranges/:id',
    summary: 'Remove an address range from the map',
    tag: 'routing',
    access: ['operator'],
    response: deletedSchema,
    async handler({ params, context }) {
      const id = pathId(params.id, 'address range');
      if (!(await deleteAddressRange(context.db, id))) throw new ApiError(404, `no address range ${id}`, 'list them at /api/v1/address-ranges');
      return { body: { deleted: true } };
    },
  }),
  route({
    method: 'get',
    path: '/viewer-route',
    summary: "The caller's city and its relays, as the watch pages route them",
    tag: 'routing',
    access: 'public',
    response: viewerRouteSchema,
    async handler({ request, context }) {
      const found = await (context.viewerCities ?? createViewerCities(context.db)).of(request);
      return { body: { cityId: found.cityId, via: found.via, relays: found.relays.map((relay) => ({ mediaUrl: relay.mediaUrl, trackerUrl: relay.trackerUrl })) } };
    },
  }),
];
