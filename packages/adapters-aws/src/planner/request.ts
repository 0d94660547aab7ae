/**
 * What the planner is asked to plan: sent by the webhook (push), by an EventBridge Scheduler
 * schedule (cron, through the API function) and by the API (manual). Plain JSON, the payload of
 * an asynchronous Lambda invocation.
 */
export type PlanRequest =
  | {
      readonly kind: 'push';
      readonly repo: string;
      readonly branch: string;
      readonly commit: string;
      readonly installationId: number;
      readonly deliveryId: string;
      readonly sender: string | null;
      /** Epoch ms the webhook received the delivery. */
      readonly receivedAt: number;
      /**
       * Epoch ms of the push, from the payload (null or absent: not in it). The run id is derived
       * from it rather than from `receivedAt`, so a redelivery names the same run.
       */
      readonly pushedAt?: number | null;
    }
  | {
      readonly kind: 'cron';
      readonly repo: string;
      readonly branch: string;
      readonly workflow: string;
      readonly schedule: string;
      readonly installationId: number;
      /**
       * The scheduled time: Scheduler's `<aws.scheduler.scheduled-time>` (ISO text) or epoch ms,
       * so a retried invocation plans the same run.
       */
      readonly scheduledAt: number | string;
      /** The trigger's `name`: its fixed `inputs` in the workflow are the run's. */
      readonly name?: string;
    }
  | {
      readonly kind: 'manual';
      readonly repo: string;
      readonly branch: string;
      /** The branch head when absent. */
      readonly commit: string | null;
      readonly workflow: string;
      readonly installationId: number;
      readonly requestedBy: string | null;
      /** The API request id: a retried request plans the same run. */
      readonly requestId: string;
      readonly receivedAt: number;
      /** Values of the workflow's inputs, checked against its declaration by the planner. */
      readonly inputs?: Readonly<Record<string, string | number | boolean>>;
    };

export type PlanRequestKind = PlanRequest['kind'];
