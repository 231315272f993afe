import { ORDER_PIPELINE } from "../../application/orders/pipeline/order-pipeline-tasks.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { WorkflowRunner } from "../../ports/workflow-runner.js";
import { QUEUE_EVENT_TYPES } from "./event-routes.js";

/**
 * Consumer of `order_received`: runs the order pipeline for the order. An execution that fails
 * (an unexpected error after all its retries) fails the delivery, which is retried and finally
 * dead-lettered; re-running is safe because every step is idempotent.
 */
export function makeStartOrderPipeline({ workflows }: { workflows: WorkflowRunner }) {
  return {
    eventTypes: QUEUE_EVENT_TYPES["order-pipeline"],
    async handle(event: StoredEvent): Promise<void> {
      const result = await workflows.run(ORDER_PIPELINE, { orderId: event.key }, event.key);
      if (result.status === "failed") {
        const error = new Error(`Order pipeline failed: ${result.error?.name}: ${result.error?.cause}`);
        error.name = "WorkflowFailedError";
        throw error;
      }
    },
  };
}
