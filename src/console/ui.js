import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);

/** Runs `load` now and every `everyMs` (when given) while mounted; the latest answer, error and a reload. */
export function usePoll(load, deps, everyMs) {
  const [state, setState] = useState({ data: undefined, error: undefined });
  const [tick, setTick] = useState(0);
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    let timer;
    const run = async () => {
      try {
        const data = await load();
        if (alive.current) setState({ data, error: undefined });
      } catch (error) {
        if (alive.current) setState((s) => ({ data: s.data, error }));
      }
      if (alive.current && everyMs) timer = setTimeout(run, everyMs);
    };
    run();
    return () => {
      alive.current = false;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** Runs a change the user asked for, then `reload`; the error it met, if any, to show. */
export function useAction(reload) {
  const [actionError, setActionError] = useState();
  const act = async (call) => {
    setActionError(undefined);
    try {
      await call();
      reload();
    } catch (err) {
      setActionError(err);
    }
  };
  return { act, actionError };
}

export const time = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
export const shortId = (id) => (id ? `${id.slice(0, 8)}…` : '—');

export const StatusBadge = ({ status }) => html`<span class=${`badge badge-${status}`}>${status}</span>`;

export const ErrorNote = ({ error }) => (error ? html`<p class="error" role="alert">${error.message}</p>` : null);

export function Json({ value }) {
  return html`<pre class="json">${JSON.stringify(value, null, 2)}</pre>`;
}

/** A link out of the console (explorer, Temporal UI), or nothing when there is no address for it. */
export const OutLink = ({ href, children }) => (href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${children}</a>` : null);

export const explorerTx = (settings, chain, hash) => {
  const url = settings?.chains.find((c) => c.name === chain)?.explorerUrl;
  return url && hash ? `${url.replace(/\/$/, '')}/tx/${hash}` : null;
};
export const explorerAddress = (settings, chain, address) => {
  const url = settings?.chains.find((c) => c.name === chain)?.explorerUrl;
  return url && address ? `${url.replace(/\/$/, '')}/address/${address}` : null;
};

/** A form field: a visible label tied to its control. */
export function Field({ label, id, children }) {
  return html`<div class="field"><label for=${id}>${label}</label>${children}</div>`;
}
