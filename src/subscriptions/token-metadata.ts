import { Contract, type JsonRpcProvider } from 'ethers';
import { urlRefusal } from '../webhooks/url-policy';
import { nftIdOf, type NftModel } from './payloads';

const URI_ABI = ['function tokenURI(uint256) view returns (string)', 'function uri(uint256) view returns (string)'];

export interface MetadataSettings {
  chain: string;
  timeoutMs: number;
  maxBytes: number;
  allowPrivateUrls: boolean;
}

/** The body of a metadata URL, at most `maxBytes`, within `timeoutMs`; undefined if it cannot be read. */
async function readJson(uri: string, settings: MetadataSettings): Promise<Record<string, unknown> | undefined> {
  const inline = /^data:application\/json(;base64)?,(.*)$/s.exec(uri);
  let text: string;
  if (inline) {
    text = inline[1] ? Buffer.from(inline[2], 'base64').toString('utf8') : decodeURIComponent(inline[2]);
  } else {
    if (await urlRefusal(uri, settings.allowPrivateUrls)) return undefined;
    const res = await fetch(uri, { signal: AbortSignal.timeout(settings.timeoutMs), redirect: 'error' });
    if (!res.ok || !res.body) return undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > settings.maxBytes) return undefined;
      chunks.push(Buffer.from(chunk));
    }
    text = Buffer.concat(chunks).toString('utf8');
  }
  if (text.length > settings.maxBytes) return undefined;
  const parsed = JSON.parse(text) as unknown;
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);
const media = (url: string | null, kind: RegExp) => (url && kind.test(url) ? url : null);

/** SimpleHash's NFT model fields from OpenSea-style metadata; what the metadata lacks is null. */
export function nftModel(nftId: string, metadata: Record<string, unknown> | undefined): NftModel {
  const { name, description, image, image_url: imageUrl, animation_url: animation, ...rest } = metadata ?? {};
  const animationUrl = str(animation);
  return {
    nft_id: nftId,
    name: str(name),
    description: str(description),
    image_url: str(image) ?? str(imageUrl),
    video_url: media(animationUrl, /\.(mp4|webm|mov|m4v)(\?|$)/i),
    audio_url: media(animationUrl, /\.(mp3|wav|ogg|flac|m4a)(\?|$)/i),
    model_url: media(animationUrl, /\.(glb|gltf)(\?|$)/i),
    previews: null,
    extra_metadata: { ...rest, image_original_url: str(image) ?? str(imageUrl), animation_original_url: animationUrl },
  };
}

/**
 * Reads a token's metadata as its contract points to it now: `tokenURI(id)` (ERC-721) or `uri(id)` (ERC-1155,
 * its `{id}` placeholder filled), then the JSON there. A token whose metadata cannot be read (no such
 * function, a URL refused by the SSRF policy, too slow, too large, not JSON) still gets its entry, fields null.
 */
export function metadataReader(provider: JsonRpcProvider, settings: MetadataSettings) {
  return async function read(contract: string, tokenId: bigint): Promise<NftModel> {
    const token = new Contract(contract, URI_ABI, provider);
    let metadata: Record<string, unknown> | undefined;
    try {
      const uri: string = await token.tokenURI(tokenId).catch(async () => {
        const template: string = await token.uri(tokenId);
        return template.replace('{id}', tokenId.toString(16).padStart(64, '0'));
      });
      metadata = await readJson(uri, settings);
    } catch {
      metadata = undefined;
    }
    return nftModel(nftIdOf(settings.chain, contract, tokenId.toString()), metadata);
  };
}

const SYMBOL_ABI = ['function symbol() view returns (string)'];
/** Contracts whose symbol is remembered (a symbol does not change). */
const SYMBOLS_KEPT = 10_000;

/** A contract's `symbol()`, asked once per contract; null when it has none (most ERC-1155 contracts). */
export function symbolReader(provider: JsonRpcProvider) {
  const known = new Map<string, Promise<string | null>>();
  return (contract: string): Promise<string | null> => {
    const key = contract.toLowerCase();
    let symbol = known.get(key);
    if (!symbol) {
      if (known.size >= SYMBOLS_KEPT) known.delete(known.keys().next().value!);
      symbol = new Contract(contract, SYMBOL_ABI, provider).symbol().then((s: unknown) => (typeof s === 'string' ? s : null), () => null);
      known.set(key, symbol);
    }
    return symbol;
  };
}
