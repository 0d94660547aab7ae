// Lambda entry point: ECS task state changes from EventBridge.
import { taskEventsHandler, type TaskStateChange } from '../handlers/task-events.js';
import { events } from '../production.js';

export const handler = (event: TaskStateChange) => taskEventsHandler({ events: events(), now: Date.now })(event);
