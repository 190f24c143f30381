import { parentPort, workerData } from 'node:worker_threads';
import { recordOutcomeAndSend } from '../activities/record-outcome';
import { apiUrls } from '../api/urls';
import { connectPostgres, dbStatements } from '../db/database';
import { SecretBox } from '../secrets/secret-box';
import { WebhookDispatcher } from '../webhooks/dispatcher';
import type { DispatcherThreadData, FromThread, ToThread } from './dispatcher-thread';

/** How often the thread tells the process how many statements it sent, for the process's counter. */
const STATEMENTS_REPORT_MS = 1_000;

const port = parentPort!;
const data = workerData as DispatcherThreadData;
const tell = (message: FromThread) => port.postMessage(message);

const db = connectPostgres(data.databaseUrl, data.poolSize);
const urls = apiUrls(data.publicBaseUrl);
const handOffs = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
let lastHandOff = 0;
/** Outcomes being recorded. */
const records = new Set<Promise<void>>();
const count = (counter: 'webhookAttempts' | 'webhookDeliveries') => ({ inc: ({ outcome }: { outcome: string }) => tell({ type: 'count', counter, outcome }) });

const dispatcher = new WebhookDispatcher({
  db,
  secrets: new SecretBox(data.secretsKey),
  settings: data.settings,
  handOff: (...args) => new Promise<void>((resolve, reject) => {
    const id = ++lastHandOff;
    handOffs.set(id, { resolve, reject });
    tell({ type: 'handOff', id, args });
  }),
  metrics: { webhookAttempts: count('webhookAttempts'), webhookDeliveries: count('webhookDeliveries') },
  log: (message, fields) => tell({ type: 'log', message, fields }),
});

let reported = 0;
async function reportStatements() {
  const sent = (await dbStatements.get()).values.reduce((sum, v) => sum + v.value, 0);
  if (sent > reported) tell({ type: 'statements', count: sent - reported });
  reported = sent;
}
const reporting = setInterval(() => void reportStatements(), STATEMENTS_REPORT_MS);

port.on('message', (m: ToThread) => {
  switch (m.type) {
    case 'start':
      dispatcher.start();
      return;
    case 'wake':
      dispatcher.wake();
      return;
    case 'record': {
      const recording = recordOutcomeAndSend(db, urls, dispatcher, m.actionId, m.outcome).then(
        (action) => tell({ type: 'recorded', id: m.id, action }),
        (err: unknown) => tell({ type: 'recorded', id: m.id, error: (err as Error).message }),
      );
      records.add(recording);
      void recording.finally(() => records.delete(recording));
      return;
    }
    case 'handedOff': {
      const waiting = handOffs.get(m.id);
      handOffs.delete(m.id);
      if (m.error === undefined) waiting?.resolve();
      else waiting?.reject(new Error(m.error));
      return;
    }
    case 'stop':
      void (async () => {
        try {
          // Outcomes asked for before the stop are recorded, and their deliveries released if not sent.
          await Promise.allSettled([...records]);
          await dispatcher.stop();
          clearInterval(reporting);
          await db.close();
          await reportStatements();
        } finally {
          tell({ type: 'stopped' });
        }
      })();
  }
});
