import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { num } from './stats';

const { EventType } = temporal.api.enums.v1;

const seconds = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) + (t?.nanos ?? 0) / 1e9;

/**
 * Where a workflow's time went, from its history: per activity type how many ran and, for regular activities
 * and timers, the seconds from scheduling to completion summed (a local activity's marker carries no
 * reliable start time, so local ones are counted only); and the workflow's own seconds from start to close.
 */
export async function stepTimes(temporalAddress: string, workflowId: string) {
  const connection = await Connection.connect({ address: temporalAddress });
  try {
    const history = await new Client({ connection, namespace: 'default' }).workflow.getHandle(workflowId).fetchHistory();
    const events = history.events ?? [];
    const steps: Record<string, { count: number; seconds: number | null }> = {};
    const add = (type: string, s: number | null) => {
      const step = (steps[type] ??= { count: 0, seconds: s === null ? null : 0 });
      step.count++;
      if (step.seconds !== null && s !== null) step.seconds += s;
    };
    const scheduled = new Map<string, { type: string; at: number }>();
    for (const e of events) {
      const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
      if (data) {
        const marker = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string };
        if (marker.activity_type) add(`${marker.activity_type} (local)`, null);
      }
      if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        scheduled.set(String(e.eventId), { type: e.activityTaskScheduledEventAttributes!.activityType!.name!, at: seconds(e.eventTime as never) });
      }
      if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
        const from = scheduled.get(String(e.activityTaskCompletedEventAttributes!.scheduledEventId));
        if (from) add(from.type, seconds(e.eventTime as never) - from.at);
      }
      if (e.eventType === EventType.EVENT_TYPE_TIMER_STARTED) add('timer', Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0));
    }
    const workflowSeconds = events.length > 1 ? seconds(events[events.length - 1].eventTime as never) - seconds(events[0].eventTime as never) : 0;
    return {
      workflowSeconds: num(workflowSeconds, 2),
      steps: Object.fromEntries(Object.entries(steps).map(([type, s]) => [type, { count: s.count, seconds: s.seconds === null ? null : num(s.seconds, 2) }])),
    };
  } finally {
    await connection.close();
  }
}
