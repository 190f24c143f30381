import { fieldProblem } from './problem';

/** A keyset cursor over (time, id), opaque to clients. */
export const encodeCursor = (at: Date, id: string) => Buffer.from(JSON.stringify([new Date(at).toISOString(), id])).toString('base64url');

export function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || typeof id !== 'string') throw new Error();
    return { at: date, id };
  } catch {
    throw fieldProblem([{ field: 'query.cursor', message: 'not a cursor returned by this API' }]);
  }
}
