/**
 * ECS task state changes from EventBridge (a rule filtered to hyperp's cluster): each becomes a
 * `TaskStateObserved` appended to its run's log under a deterministic id, so EventBridge's
 * at-least-once delivery stores it once; the table's stream takes it to the stepper.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { normaliseTask, type EcsTaskLike } from '../ecs/task-event.js';
import type { EventLog } from '../store/event-log.js';

export type TaskStateChange = EventBridgeEvent<'ECS Task State Change', EcsTaskLike>;

export interface TaskEventsDeps {
  readonly events: EventLog;
  readonly now: () => number;
}

export type TaskEventOutcome = { readonly outcome: 'appended' | 'duplicate' | 'ignored'; readonly reason?: string };

export const taskEventsHandler =
  (deps: TaskEventsDeps) =>
  async (event: TaskStateChange): Promise<TaskEventOutcome> => {
    const n = normaliseTask(event.detail, event.time);
    if (n._tag === 'Ignore') return { outcome: 'ignored', reason: n.reason };
    const outcome = await deps.events.append({
      id: n.id,
      runId: n.runId,
      event: n.event,
      storedAt: new Date(deps.now()).toISOString(),
    });
    return { outcome };
  };
