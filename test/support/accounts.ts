/** anvil's second and third development accounts, used as recipients. */
export const ALICE = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
export const BOB = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
/** anvil's fourth development account's key: deploys contracts outside the engine without touching the signer's nonces. */
export const DEPLOYER_KEY = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
