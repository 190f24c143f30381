import { nonceRemedies } from '../../src/health/nonce-gaps';
import type { LeaseView } from '../../src/store/nonces';

const STALE = 60_000;
const lease = (nonce: number, state: LeaseView['state'], more: Partial<LeaseView> = {}): LeaseView => ({
  nonce, state, holder: state === 'released' ? null : `holder-${nonce}`, holderStatus: 'pending', signedTransaction: null, idleMs: 0, ...more,
});

describe('nonce remedies', () => {
  test('nothing sent beyond the pending nonce: nothing to mend, whatever is reserved or released', () => {
    expect(nonceRemedies({ latest: 5, pending: 5 }, [lease(5, 'reserved'), lease(6, 'released')], STALE)).toEqual([]);
    expect(nonceRemedies({ latest: 5, pending: 7 }, [lease(5, 'broadcast'), lease(6, 'broadcast')], STALE)).toEqual([]);
  });

  test('a released or never given out nonce below a sent one is filled; a pending action keeps its reservation', () => {
    const leases = [lease(5, 'released'), lease(7, 'reserved'), lease(8, 'broadcast'), lease(10, 'broadcast')];
    expect(nonceRemedies({ latest: 5, pending: 5 }, leases, STALE)).toEqual([
      { nonce: 5, remedy: 'fill' }, { nonce: 6, remedy: 'fill' }, { nonce: 9, remedy: 'fill' },
    ]);
  });

  test('a lease held by no pending action is taken over once stale, not before', () => {
    const held = (idleMs: number) => [lease(3, 'reserved', { holder: 'gap-filler-x', holderStatus: null, idleMs }), lease(4, 'broadcast')];
    expect(nonceRemedies({ latest: 3, pending: 3 }, held(1_000), STALE)).toEqual([]);
    expect(nonceRemedies({ latest: 3, pending: 3 }, held(STALE), STALE)).toEqual([{ nonce: 3, remedy: 'fill' }]);
  });

  test('a gap filler dropped at the pending nonce is sent again; a finished action\'s dropped transaction is replaced by a filler once stale', () => {
    const dropped = (more: Partial<LeaseView>) => [lease(3, 'broadcast', more), lease(4, 'broadcast')];
    const filler = { holder: 'gap-filler-x', holderStatus: null, signedTransaction: '0x02bb' };
    expect(nonceRemedies({ latest: 3, pending: 3 }, dropped(filler), STALE)).toEqual([{ nonce: 3, remedy: 'resend', signedTransaction: '0x02bb' }]);
    // With nothing after it too.
    expect(nonceRemedies({ latest: 3, pending: 3 }, [lease(3, 'broadcast', filler)], STALE)).toEqual([{ nonce: 3, remedy: 'resend', signedTransaction: '0x02bb' }]);
    for (const holderStatus of ['failed', 'cancelled', 'succeeded'] as const) {
      expect(nonceRemedies({ latest: 3, pending: 3 }, dropped({ signedTransaction: '0x02aa', holderStatus }), STALE)).toEqual([]);
      expect(nonceRemedies({ latest: 3, pending: 3 }, dropped({ signedTransaction: '0x02aa', holderStatus, idleMs: STALE }), STALE)).toEqual([{ nonce: 3, remedy: 'fill' }]);
    }
    // A pending action's transaction is its workflow's to watch, kept or not.
    expect(nonceRemedies({ latest: 3, pending: 3 }, dropped({ signedTransaction: '0x02aa', idleMs: STALE }), STALE)).toEqual([]);
  });
});
