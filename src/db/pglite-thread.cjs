// The embedded PGlite in a thread of its own (see openEmbedded): its WASM Postgres runs here, not on the event
// loop the API answers from. Plain JavaScript, so a thread loads it as it is under tsx, jest or compiled code.
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite, types } = require('@electric-sql/pglite');

const opening = PGlite.create(workerData.dir, { parsers: { [types.INT8]: (v) => Number(v) } });
/** Open transactions by id: the statements sent in them, and how each ends. */
const transactions = new Map();

const reply = (id, result) => parentPort.postMessage({ id, result });
const fail = (id, err) => parentPort.postMessage({ id, error: { ...err, message: err.message, name: err.name } });

async function handle(db, msg) {
  switch (msg.op) {
    case 'query':
      return (await db.query(msg.sql, msg.params)).rows;
    case 'begin':
      // Resolves once the transaction has begun (PGlite runs one at a time); it ends with commit or rollback.
      return new Promise((begun, failedToBegin) => {
        const ended = db.transaction((tx) => new Promise((commit, rollback) => {
          transactions.set(msg.tx, { tx, commit, rollback, ended });
          begun(null);
        }));
        ended.catch((err) => { if (!transactions.has(msg.tx)) failedToBegin(err); });
      });
    case 'txQuery':
      return (await transactions.get(msg.tx).tx.query(msg.sql, msg.params)).rows;
    case 'commit':
    case 'rollback': {
      const open = transactions.get(msg.tx);
      transactions.delete(msg.tx);
      if (msg.op === 'commit') {
        open.commit(null);
        await open.ended;
      } else {
        open.rollback(new Error('rolled back'));
        await open.ended.catch(() => undefined);
      }
      return null;
    }
    case 'close':
      return db.close();
    default:
      throw new Error(`unknown operation ${msg.op}`);
  }
}

parentPort.on('message', (msg) => {
  opening.then((db) => handle(db, msg)).then((result) => reply(msg.id, result), (err) => fail(msg.id, err));
});
