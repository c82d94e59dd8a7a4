// Which city a client address belongs to, from the operator's map of address ranges (CIDR) to cities
// (city_address_ranges): the most specific range holding the address wins, so a school's /28 inside
// its city's /16 can point elsewhere. Parsing and matching are ipaddr.js's (the library express's
// proxy-addr uses); IPv4 clients that reach an IPv6 socket (::ffff:a.b.c.d) match IPv4 ranges. Pure.
import ipaddr from 'ipaddr.js';

export type ParsedRange = { cityId: number; network: ipaddr.IPv4 | ipaddr.IPv6; prefix: number };

/**
 * `text` as a range in its canonical form (network address/prefix, e.g. "10.1.0.0/16" for
 * "10.1.2.3/16"), or an error saying what is wrong with it. A bare address is a range of one.
 */
export function canonicalCidr(text: string): { cidr: string } | { error: string } {
  const trimmed = text.trim();
  const withPrefix = trimmed.includes('/') ? trimmed : `${trimmed}/${ipaddr.IPv4.isValid(trimmed) ? 32 : 128}`;
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(withPrefix);
  } catch {
    return { error: `'${text}' is not an address range: write it as CIDR, e.g. 10.12.0.0/16 or 2001:db8:12::/48` };
  }
  const [address, prefix] = parsed;
  const network = networkOf(address, prefix);
  return { cidr: `${network.toString()}/${prefix}` };
}

/** The ranges as stored, parsed for matching (a row that does not parse is left out). */
export function parseRanges(ranges: ReadonlyArray<{ cityId: number; cidr: string }>): ParsedRange[] {
  const parsed: ParsedRange[] = [];
  for (const range of ranges) {
    try {
      const [network, prefix] = ipaddr.parseCIDR(range.cidr);
      parsed.push({ cityId: range.cityId, network, prefix });
    } catch {
      continue;
    }
  }
  return parsed;
}

/** The city of the most specific range holding `address` (as express reports it), or undefined. */
export function cityOfAddress(ranges: readonly ParsedRange[], address: string | undefined): number | undefined {
  if (!address || !ipaddr.isValid(address)) return undefined;
  // process() turns an IPv4-mapped IPv6 address back into IPv4.
  const client = ipaddr.process(address);
  let best: ParsedRange | undefined;
  for (const range of ranges) {
    if (!sameKindMatch(client, range)) continue;
    if (!best || range.prefix > best.prefix) best = range;
  }
  return best?.cityId;
}

function sameKindMatch(client: ipaddr.IPv4 | ipaddr.IPv6, range: ParsedRange): boolean {
  if (client.kind() === 'ipv4' && range.network.kind() === 'ipv4') return (client as ipaddr.IPv4).match(range.network as ipaddr.IPv4, range.prefix);
  if (client.kind() === 'ipv6' && range.network.kind() === 'ipv6') return (client as ipaddr.IPv6).match(range.network as ipaddr.IPv6, range.prefix);
  return false;
}

/** The address with its host bits cleared (ipaddr.js 1.x has no IPv6 networkAddressFromCIDR). */
function networkOf(address: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bitsKept = (index: number) => Math.min(8, Math.max(0, prefix - 8 * index));
  return ipaddr.fromByteArray(address.toByteArray().map((byte, index) => byte & ((0xff << (8 - bitsKept(index))) & 0xff)));
}
