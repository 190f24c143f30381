import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

/** Whether an address is private; an IPv4-mapped IPv6 address is judged by its IPv4 address. */
function isPrivate(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  return PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** What lets a receiver on this machine or a private network be called, told with each refusal it would lift. */
const PRIVATE_URLS_HINT = 'set WEBHOOK_ALLOW_PRIVATE_URLS=true to allow http and private addresses (development only; `npm start` allows them)';

/**
 * Why a webhook URL may not be called, or undefined if it may. Unless private targets are allowed (a
 * development setting), the URL must be https and every address its host resolves to must be public:
 * no loopback, private, link-local or multicast targets (SSRF).
 */
export async function urlRefusal(url: string, allowPrivate: boolean): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an http(s) URL';
  if (parsed.username || parsed.password) return 'must not carry credentials; use the auth setting';
  if (allowPrivate) return undefined;
  if (parsed.protocol !== 'https:') return `must be https; ${PRIVATE_URLS_HINT}`;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return `host ${host} does not resolve`;
  }
  const blocked = addresses.find(isPrivate);
  return blocked ? `resolves to ${blocked}, a private, loopback or link-local address; ${PRIVATE_URLS_HINT}` : undefined;
}
