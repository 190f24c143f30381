// The embedded PGlite in a thread of its own (see pglite-client.ts): its WASM Postgres runs here, not on the event
// loop the API answers from. Plain JavaScript, so a thread loads it as it is under tsx, jest or compiled code.
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite, types } = require('@electric-sql/pglite');

const opening = PGlite.create(workerData.dir, { parsers: { [types.INT8]: (v) => Number(v) } });

// One connection, so one statement or transaction at a time. Waiting work is taken by priority: statements that
// answer a request (0) before background ones (1); an open transaction takes only its own statements.
const waiting = [[], []];
let openTransaction = null;
const inTransaction = [];
let running = false;

function submit(msg) {
  if (msg.op === 'txQuery' || msg.op === 'commit' || msg.op === 'rollback') inTransaction.push(msg);
  else waiting[msg.priority === 0 ? 0 : 1].push(msg);
  void drain();
}

function next() {
  if (openTransaction !== null) return inTransaction.shift();
  return waiting[0].shift() ?? waiting[1].shift();
}

async function drain() {
  if (running) return;
  running = true;
  try {
    const db = await opening.catch((err) => err);
    for (let msg = next(); msg; msg = next()) {
      try {
        if (db instanceof Error) throw db;
        parentPort.postMessage({ id: msg.id, result: await run(db, msg) });
      } catch (err) {
        parentPort.postMessage({ id: msg.id, error: { ...err, message: err.message, name: err.name } });
      }
    }
  } finally {
    running = false;
  }
}

async function run(db, msg) {
  switch (msg.op) {
    case 'query':
    case 'txQuery':
      return (await db.query(msg.sql, msg.params)).rows;
    case 'begin':
      await db.query('BEGIN');
      openTransaction = msg.tx;
      return null;
    case 'commit':
    case 'rollback':
      openTransaction = null;
      await db.query(msg.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
      return null;
    case 'close':
      return db.close();
    default:
      throw new Error(`unknown operation ${msg.op}`);
  }
}

parentPort.on('message', submit);
