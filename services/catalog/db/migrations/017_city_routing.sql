-- Viewers routed to their own city (services/catalog/routing/): each city's relays, in the order its
-- viewers try them, each with the P2P tracker beside it (null: the relay's own /tracker); and the
-- operator's map of client address ranges to cities, for viewers who are not signed in. A city's
-- relays and ranges go with the city (a city is deleted only once it has no schools).
create table city_relays (
  id serial primary key,
  city_id integer not null references cities (id) on delete cascade,
  media_url text not null check (media_url ~ '^https?://[^/[:space:]"''<>?#@]+$'),
  tracker_url text null check (tracker_url ~ '^wss?://[^[:space:]"''<>]+$'),
  position integer not null default 0,
  created_at timestamptz not null default now(),
  constraint city_relays_media_url_unique unique (city_id, media_url)
);
create index city_relays_city on city_relays (city_id, position, id);

-- `cidr` is kept in its canonical form (the network address and prefix length, ipaddr.js), so the
-- same range entered twice is refused by the unique key; the longest matching prefix wins.
create table city_address_ranges (
  id serial primary key,
  city_id integer not null references cities (id) on delete cascade,
  cidr text not null,
  note text not null default '',
  created_at timestamptz not null default now(),
  constraint city_address_ranges_cidr_unique unique (cidr)
);
