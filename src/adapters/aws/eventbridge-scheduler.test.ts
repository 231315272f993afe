import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { atExpression, EventBridgeScheduler, scheduleName } from "./eventbridge-scheduler.js";

const scheduler = mockClient(SchedulerClient);
afterEach(() => scheduler.reset());

const now = new Date("2026-11-22T10:00:00.000Z");
const timers = new EventBridgeScheduler({
  client: new SchedulerClient({ region: "eu-west-1" }),
  groupName: "orderflow-auctions",
  roleArn: "arn:aws:iam::123456789012:role/SchedulerRole",
  queueArnFor: (type) => `arn:aws:sqs:eu-west-1:123456789012:queue-for-${type}`,
  clock: { now: () => now },
});

describe("EventBridge Scheduler timers", () => {
  it("creates a one-time schedule that puts the timer's event on its consumer's queue", async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn:x" });
    await timers.schedule("close-auc_1", new Date("2026-11-22T12:30:00.250Z"), {
      type: "auction_close_due",
      key: "auc_1",
    });
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    expect(input).toEqual({
      Name: "close-auc_1",
      GroupName: "orderflow-auctions",
      ScheduleExpression: "at(2026-11-22T12:30:01)",
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      Target: {
        Arn: "arn:aws:sqs:eu-west-1:123456789012:queue-for-auction_close_due",
        RoleArn: "arn:aws:iam::123456789012:role/SchedulerRole",
        Input: expect.any(String),
        RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
      },
    });
    expect(JSON.parse(String(input?.Target?.Input))).toEqual({
      seq: 0,
      id: "timer:close-auc_1:2026-11-22T12:30:00.250Z",
      type: "auction_close_due",
      key: "auc_1",
      at: "2026-11-22T12:30:00.250Z",
      data: {},
    });
  });

  it("moves an existing timer with UpdateSchedule, and schedules a past-due timer just ahead", async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: "exists", Message: "exists", $metadata: {} }));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: "arn:x" });
    await timers.schedule("close-auc_2", new Date("2026-11-22T09:00:00.000Z"), { type: "t", key: "auc_2" });
    const update = scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input;
    expect(update?.Name).toBe("close-auc_2");
    expect(update?.ScheduleExpression).toBe("at(2026-11-22T10:00:05)");
  });

  it("cancels by deleting the schedule and ignores one that already ran", async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: "gone", Message: "gone", $metadata: {} }));
    await timers.cancel("close-auc_3");
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: "close-auc_3",
      GroupName: "orderflow-auctions",
    });
    scheduler.on(DeleteScheduleCommand).rejects(new Error("AccessDenied"));
    await expect(timers.cancel("close-auc_3")).rejects.toThrow("AccessDenied");
  });

  it("names schedules within Scheduler's rules, distinct for distinct ids", () => {
    expect(scheduleName("checkout-deadline-auc_01JB")).toBe("checkout-deadline-auc_01JB");
    const long = scheduleName(`x/${"a".repeat(80)}`);
    expect(long).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
    expect(scheduleName(`x/${"a".repeat(80)}`)).toBe(long);
    expect(scheduleName(`y/${"a".repeat(80)}`)).not.toBe(long);
    expect(scheduleName("a:b")).not.toBe(scheduleName("a_b"));
    expect(atExpression(new Date("2026-01-01T00:00:00.000Z"))).toBe("at(2026-01-01T00:00:00)");
  });
});
