'use strict';
// Recovers the address that signed a hash, away from the worker's event loop (see recover-off-thread.ts).
const { parentPort } = require('node:worker_threads');
const { recoverAddress } = require('ethers');

parentPort.on('message', ({ id, hash, signature }) => {
  try {
    parentPort.postMessage({ id, address: recoverAddress(hash, signature) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
