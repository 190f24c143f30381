import { ConfigError, loadConfig, scheduleSpanning } from '../../src/config';

const DAY = 86_400_000;

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as ConfigError).problems;
  }
  throw new Error('expected the configuration to be refused');
};

describe('webhook retry window', () => {
  test.each([3, 5, 30])('a %i-day window: an immediate attempt, delays doubling from 5 s up to 12 h, the last attempt at its end', (days) => {
    const schedule = scheduleSpanning(days * DAY);
    expect(schedule.slice(0, 5)).toEqual([0, 5_000, 10_000, 20_000, 40_000]);
    expect(schedule.reduce((a, b) => a + b)).toBe(days * DAY);
    for (let i = 2; i < schedule.length - 1; i++) expect(schedule[i]).toBe(Math.min(schedule[i - 1] * 2, 12 * 3_600_000));
    expect(schedule.at(-1)).toBeGreaterThanOrEqual(12 * 3_600_000);
    expect(schedule.at(-1)).toBeLessThan(24 * 3_600_000);
  });

  test('WEBHOOK_RETRY_WINDOW replaces the default schedule; unset, the default stays', () => {
    expect(loadConfig({}).WEBHOOK_RETRY_SCHEDULE).toEqual([0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(loadConfig({ WEBHOOK_RETRY_WINDOW: '3d' }).WEBHOOK_RETRY_SCHEDULE).toEqual(scheduleSpanning(3 * DAY));
  });

  test.each([
    [{ WEBHOOK_RETRY_WINDOW: '2d' }, 'WEBHOOK_RETRY_WINDOW: at least 3d'],
    [{ WEBHOOK_RETRY_WINDOW: '31d' }, 'WEBHOOK_RETRY_WINDOW: at most 30d'],
    [{ WEBHOOK_RETRY_WINDOW: 'three days' }, 'WEBHOOK_RETRY_WINDOW: a delay such as 3d'],
    [{ WEBHOOK_RETRY_WINDOW: '3d', WEBHOOK_RETRY_SCHEDULE: '0,5s' }, 'WEBHOOK_RETRY_WINDOW and WEBHOOK_RETRY_SCHEDULE: set one or neither'],
  ])('%j is refused, naming the setting', (env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });
});
