import { runMain } from '../cli/run-main';
import { loadConfig, requireSettings } from '../config';
import { connectPostgres } from './database';
import { migrate } from './migrate';

/** `npm run migrate`: applies pending migrations and exits (run it before a rollout with MIGRATE_ON_START=false). */
runMain('migrate', async () => {
  const config = requireSettings(loadConfig(), ['DATABASE_URL'], 'migrations');
  const db = connectPostgres(config.DATABASE_URL, 1);
  const applied = await migrate(db);
  await db.close();
  console.log(JSON.stringify({ msg: 'migrations applied', applied }));
  return async () => undefined;
});
