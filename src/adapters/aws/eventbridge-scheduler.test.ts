import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { atExpression, EventBridgeScheduler, scheduleName } from "./eventbridge-scheduler.js";

const scheduler = mockClient(SchedulerClient);
let now = new Date("2026-11-22T10:00:00.000Z");
afterEach(() => {
  scheduler.reset();
  now = new Date("2026-11-22T10:00:00.000Z");
});

const timers = new EventBridgeScheduler({
  client: new SchedulerClient({ region: "eu-west-1" }),
  groupName: "orderflow-auctions",
  roleArn: "arn:aws:iam::123456789012:role/SchedulerRole",
  queueFor: (type) => ({
    arn: `arn:aws:sqs:eu-west-1:123456789012:queue-for-${type}`,
    deadLetterArn: `arn:aws:sqs:eu-west-1:123456789012:queue-for-${type}-dlq`,
  }),
  clock: { now: () => now },
});
const metadata = { $metadata: { httpStatusCode: 409, requestId: "req-1" } };
const created = { ScheduleArn: "arn:aws:scheduler:eu-west-1:123456789012:schedule/orderflow-auctions/x" };

const createInput = (call = 0) => scheduler.commandCalls(CreateScheduleCommand)[call]?.args[0].input;
const firedEvent = (call = 0) => JSON.parse(String(createInput(call)?.Target?.Input));

describe("EventBridge Scheduler timers", () => {
  it("creates a one-time schedule that puts the timer's event on its consumer's queue", async () => {
    scheduler.on(CreateScheduleCommand).resolves(created);
    await timers.schedule("close-auc_1", new Date("2026-11-22T12:30:00.250Z"), {
      type: "auction_close_due",
      key: "auc_1",
      data: { reason: "ends" },
    });
    expect(createInput()).toEqual({
      Name: "close-auc_1",
      GroupName: "orderflow-auctions",
      ScheduleExpression: "at(2026-11-22T12:31:00)",
      ScheduleExpressionTimezone: "UTC",
      FlexibleTimeWindow: { Mode: "OFF" },
      ActionAfterCompletion: "DELETE",
      Target: {
        Arn: "arn:aws:sqs:eu-west-1:123456789012:queue-for-auction_close_due",
        RoleArn: "arn:aws:iam::123456789012:role/SchedulerRole",
        Input: expect.any(String),
        RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        DeadLetterConfig: { Arn: "arn:aws:sqs:eu-west-1:123456789012:queue-for-auction_close_due-dlq" },
      },
    });
    expect(firedEvent()).toEqual({
      seq: 0,
      id: "timer:close-auc_1:2026-11-22T12:30:00.250Z",
      type: "auction_close_due",
      key: "auc_1",
      at: "2026-11-22T12:30:00.250Z",
      data: { reason: "ends" },
    });
  });

  it("gives a timer's event the same id for the same due time, so a repeated firing is de-duplicated", async () => {
    scheduler.on(CreateScheduleCommand).resolves(created);
    const due = new Date("2026-11-22T12:30:00.000Z");
    await timers.schedule("checkout-deadline-auc_1", due, { type: "auction_checkout_due", key: "auc_1" });
    await timers.schedule("checkout-deadline-auc_1", due, { type: "auction_checkout_due", key: "auc_1" });
    await timers.schedule("checkout-deadline-auc_1", new Date("2026-11-22T12:45:00.000Z"), {
      type: "auction_checkout_due",
      key: "auc_1",
    });
    expect(firedEvent(0).id).toBe(firedEvent(1).id);
    expect(firedEvent(2).id).not.toBe(firedEvent(0).id);
    expect(createInput(2)?.ScheduleExpression).toBe("at(2026-11-22T12:45:00)");
  });

  it("moves an existing timer with UpdateSchedule and the same definition", async () => {
    scheduler.on(CreateScheduleCommand).rejects(
      new ConflictException({
        message: "Schedule close-auc_2 already exists.",
        Message: "Schedule close-auc_2 already exists.",
        ...metadata,
      }),
    );
    scheduler.on(UpdateScheduleCommand).resolves(created);
    await timers.schedule("close-auc_2", new Date("2026-11-23T08:00:00.000Z"), { type: "t", key: "auc_2" });
    const update = scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input;
    expect(update).toEqual(createInput());
    expect(update?.ScheduleExpression).toBe("at(2026-11-23T08:00:00)");
  });

  it("puts a timer that is already due (or due within seconds) on the next whole minute, keeping its due time", async () => {
    scheduler.on(CreateScheduleCommand).resolves(created);
    await timers.schedule("close-auc_3", new Date("2026-11-22T09:00:00.000Z"), { type: "t", key: "auc_3" });
    expect(createInput(0)?.ScheduleExpression).toBe("at(2026-11-22T10:01:00)");
    expect(firedEvent(0).at).toBe("2026-11-22T09:00:00.000Z");
    now = new Date("2026-11-22T10:00:58.000Z");
    await timers.schedule("close-auc_4", new Date("2026-11-22T10:00:59.000Z"), { type: "t", key: "auc_4" });
    expect(createInput(1)?.ScheduleExpression).toBe("at(2026-11-22T10:02:00)");
  });

  it("fails on other Scheduler errors without trying an update", async () => {
    scheduler.on(CreateScheduleCommand).rejects(
      new ValidationException({
        message: "Invalid RoleArn",
        Message: "Invalid RoleArn",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    await expect(
      timers.schedule("close-auc_5", new Date("2026-11-23T08:00:00.000Z"), { type: "t", key: "k" }),
    ).rejects.toThrow("Invalid RoleArn");
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
  });

  it("cancels by deleting the schedule and ignores one that already ran", async () => {
    scheduler.on(DeleteScheduleCommand).rejectsOnce(
      new ResourceNotFoundException({
        message: "Schedule close-auc_6 does not exist.",
        Message: "Schedule close-auc_6 does not exist.",
        $metadata: { httpStatusCode: 404 },
      }),
    );
    await timers.cancel("close-auc_6");
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: "close-auc_6",
      GroupName: "orderflow-auctions",
    });
    scheduler.on(DeleteScheduleCommand).rejects(new Error("AccessDenied"));
    await expect(timers.cancel("close-auc_6")).rejects.toThrow("AccessDenied");
  });

  it("names schedules within Scheduler's rules, distinct for distinct ids", () => {
    expect(scheduleName("checkout-deadline-auc_01JB")).toBe("checkout-deadline-auc_01JB");
    const long = scheduleName(`x/${"a".repeat(80)}`);
    expect(long).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
    expect(scheduleName(`x/${"a".repeat(80)}`)).toBe(long);
    expect(scheduleName(`y/${"a".repeat(80)}`)).not.toBe(long);
    expect(scheduleName("a:b")).not.toBe(scheduleName("a_b"));
    expect(scheduleName("a:b")).toMatch(/^[0-9a-zA-Z_.-]{1,64}$/);
  });

  it("writes at() expressions in UTC, rounded up to a whole minute", () => {
    expect(atExpression(new Date("2026-01-01T00:00:00.000Z"))).toBe("at(2026-01-01T00:00:00)");
    expect(atExpression(new Date("2026-01-01T00:00:00.001Z"))).toBe("at(2026-01-01T00:01:00)");
    expect(atExpression(new Date("2026-12-31T23:59:30.000+00:00"))).toBe("at(2027-01-01T00:00:00)");
  });
});
