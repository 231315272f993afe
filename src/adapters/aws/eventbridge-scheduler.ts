import { createHash } from "node:crypto";
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { Clock } from "../../ports/clock.js";
import type { Scheduler } from "../../ports/scheduler.js";

/** A timer due this close (or already past) is put this far ahead: a one-time schedule needs a future time. */
const MIN_LEAD_MS = 5_000;
const MINUTE_MS = 60_000;

/**
 * Schedule names allow 1-64 of [0-9a-zA-Z-_.]; timer ids that do not fit are shortened with a hash of
 * the whole id, so two ids never share a schedule.
 */
export function scheduleName(id: string): string {
  if (/^[0-9a-zA-Z_.-]{1,64}$/.test(id)) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 16);
  return `${id.replace(/[^0-9a-zA-Z_.-]/g, "_").slice(0, 47)}-${hash}`;
}

/**
 * `at(2026-11-22T10:16:00)` in UTC, rounded UP to a whole minute: Scheduler invokes with 60-second
 * precision ("at 1:00" runs between 1:00:00 and 1:00:59), so a time with seconds could fire up to a
 * minute early, and an early "close due" / "checkout due" is ignored by its consumer as not yet due.
 */
export function atExpression(at: Date): string {
  const minute = Math.ceil(at.getTime() / MINUTE_MS) * MINUTE_MS;
  return `at(${new Date(minute).toISOString().slice(0, 19)})`;
}

/**
 * Timers as one-time EventBridge Scheduler schedules (deleted after they run). When due, the schedule
 * puts the timer's event, as a stored event, on the queue of the consumer that takes its type. The
 * event id is derived from the timer and its due time, so a repeated delivery is de-duplicated
 * downstream; a timer that is already due fires a few seconds from now. A timer Scheduler gives up on
 * (queue gone, access denied, a day of retries) goes to the queue's dead-letter queue, not nowhere.
 */
export class EventBridgeScheduler implements Scheduler {
  constructor(
    private readonly options: {
      client: SchedulerClient;
      groupName: string;
      /** The role Scheduler assumes to send to the queues. */
      roleArn: string;
      /**
       * The queue that takes events of this type, and that queue's dead-letter queue: a timer Scheduler
       * cannot deliver is parked there with the consumer's failed messages, where it can be redriven.
       */
      queueFor: (eventType: string) => { arn: string; deadLetterArn: string };
      clock: Clock;
    },
  ) {}

  async schedule(id: string, at: Date, event: { type: string; key: string; data?: Record<string, unknown> }) {
    const fireAt = new Date(Math.max(at.getTime(), this.options.clock.now().getTime() + MIN_LEAD_MS));
    const name = scheduleName(id);
    const queue = this.options.queueFor(event.type);
    const message: StoredEvent = {
      seq: 0,
      id: `timer:${name}:${at.toISOString()}`,
      type: event.type,
      key: event.key,
      at: at.toISOString(),
      data: event.data ?? {},
    };
    const input: CreateScheduleCommandInput = {
      Name: name,
      GroupName: this.options.groupName,
      ScheduleExpression: atExpression(fireAt),
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      Target: {
        Arn: queue.arn,
        RoleArn: this.options.roleArn,
        Input: JSON.stringify(message),
        // The most Scheduler allows: a queue that cannot be reached for a while still gets the timer.
        RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        DeadLetterConfig: { Arn: queue.deadLetterArn },
      },
    };
    try {
      await this.options.client.send(new CreateScheduleCommand(input));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      // The timer exists: move it (UpdateSchedule replaces the whole definition).
      await this.options.client.send(new UpdateScheduleCommand(input));
    }
  }

  async cancel(id: string) {
    try {
      await this.options.client.send(
        new DeleteScheduleCommand({ Name: scheduleName(id), GroupName: this.options.groupName }),
      );
    } catch (error) {
      // Already ran (and deleted itself) or never existed.
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
