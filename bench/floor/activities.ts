/** The floor's only activity (run as a local activity): returns its input. */
export async function echo(n: number): Promise<number> {
  return n;
}
