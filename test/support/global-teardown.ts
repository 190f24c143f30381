export default async function globalTeardown() {
  const teardown = (globalThis as Record<string, unknown>).__nftEngineTeardown as (() => Promise<void>) | undefined;
  await teardown?.();
}
