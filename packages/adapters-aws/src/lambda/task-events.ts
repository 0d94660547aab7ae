// Lambda entry point: ECS task state changes from EventBridge.
import { taskEventsHandler, type TaskStateChange } from '../handlers/task-events.js';
import { production } from '../production.js';

export const handler = (event: TaskStateChange) => taskEventsHandler({ events: production().store.events, now: Date.now })(event);
