import { Contract, type Interface, type JsonRpcProvider } from 'ethers';
import { ARTIFACTS, ENGINE_FUNCTIONS } from '../chain/artifacts';
import type { SignRequest } from '../signing/protocol';
import { toEthersTransaction } from '../signing/transaction';

export interface PolicyDeps {
  address: string;
  provider(chainId: number): JsonRpcProvider | undefined;
  blockedRecipients: Set<string>;
}

/** Every version's collection contracts: collections keep the version they were deployed with. */
const COLLECTIONS = Object.values(ARTIFACTS).flatMap((byStandard) => Object.values(byStandard));
const OWNER_ABI = ['function owner() view returns (address)'];

function decodeEngineCall(data: string): { abi: Interface; name: string; args: Record<string, unknown> } | undefined {
  for (const { abi } of COLLECTIONS) {
    const parsed = abi.parseTransaction({ data });
    if (parsed && (ENGINE_FUNCTIONS as readonly string[]).includes(parsed.name)) {
      return { abi, name: parsed.name, args: Object.fromEntries(parsed.fragment.inputs.map((input, i) => [input.name, parsed.args[i]])) };
    }
  }
  return undefined;
}

/**
 * The reference signer's rules: sign only what the request says it is, from this signer, on a known
 * chain, with no value, and only deployments of the engine's collections, the engine's functions on
 * contracts this signer owns (replacements alike), or a zero-value transfer to self that fills a nonce gap
 * or cancels an action. Returns the
 * reason to refuse, or undefined to sign.
 */
export async function refusalReason(request: SignRequest, deps: PolicyDeps): Promise<string | undefined> {
  const tx = toEthersTransaction(request.transaction);
  if (tx.unsignedSerialized !== request.unsignedTransaction) return 'unsignedTransaction does not match transaction';
  if (request.from.toLowerCase() !== deps.address.toLowerCase()) return `this signer holds ${deps.address}, not ${request.from}`;
  const provider = deps.provider(tx.chainId === undefined ? 0 : Number(tx.chainId));
  if (!provider) return `chain ${tx.chainId} is not allowed`;
  if (tx.value !== 0n) return 'transactions that send value are not allowed';

  if (request.purpose === 'nonce_gap_filler' || request.purpose === 'cancel') {
    return tx.to?.toLowerCase() === deps.address.toLowerCase() && tx.data === '0x' ? undefined : `a ${request.purpose} must be an empty transfer to self`;
  }
  if (tx.to === null) {
    return COLLECTIONS.some((c) => tx.data.startsWith(c.bytecode)) ? undefined : 'only the engine collection contracts may be deployed';
  }
  const call = decodeEngineCall(tx.data);
  if (!call) return 'function not allowed';
  // A batch mint names its recipients as an array.
  const recipients: unknown[] = Array.isArray(call.args.to) ? [...call.args.to] : [call.args.to];
  const blocked = recipients.find((r) => typeof r === 'string' && deps.blockedRecipients.has(r.toLowerCase()));
  if (blocked) return `recipient ${blocked} is blocked`;
  const owner = await new Contract(tx.to, OWNER_ABI, provider).owner().catch(() => undefined);
  if (typeof owner !== 'string' || owner.toLowerCase() !== deps.address.toLowerCase()) return `contract ${tx.to} is not owned by this signer`;
  return undefined;
}
