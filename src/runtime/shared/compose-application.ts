import { makeNotifyAuctionParties } from "../../application/auctions/auction-notifications.js";
import { makePublishAuctionQr } from "../../application/auctions/auction-qr.js";
import { makeKeepCloseSchedule, makeSweepAuctions } from "../../application/auctions/auction-schedule.js";
import { makeLapseUnpaidAuction, makeScheduleCheckoutDeadline } from "../../application/auctions/checkout-deadline.js";
import { AUCTION_CHECKOUT, checkoutSagaTasks } from "../../application/auctions/checkout-saga.js";
import { makeDispatchDelivery } from "../../application/lifecycle/dispatch-delivery.js";
import { makeForwardFeedback } from "../../application/lifecycle/forward-feedback.js";
import { makeRequestDelivery } from "../../application/lifecycle/request-delivery.js";
import { ORDER_PIPELINE, orderPipelineTasks } from "../../application/orders/pipeline/order-pipeline-tasks.js";
import { makeUseCases, type UseCasePorts } from "../../application/use-cases.js";
import { auctionConsumers } from "../../handlers/consumers/auction-consumers.js";
import { lifecycleConsumers } from "../../handlers/consumers/lifecycle-consumers.js";
import { makeStartOrderPipeline } from "../../handlers/consumers/start-order-pipeline.js";
import type { Logger } from "../../ports/logger.js";
import type { OutboundChannel } from "../../ports/outbound-channel.js";
import type { PaymentGateway } from "../../ports/payment-gateway.js";
import type { QrCodeRenderer } from "../../ports/qr-code-renderer.js";
import type { Scheduler } from "../../ports/scheduler.js";
import type { TaskHandler, WorkflowRunner } from "../../ports/workflow-runner.js";
import type { EventConsumer } from "./order-events-consumer.js";
import { makeOrderEventsConsumer } from "./order-events-consumer.js";

/** Everything the application needs from the outside world; the local and AWS runtimes differ only here. */
export interface ApplicationAdapters extends UseCasePorts {
  logger: Logger;
  payments: PaymentGateway;
  scheduler: Scheduler;
  qr: QrCodeRenderer;
  /** Where delivery requests go (signed webhook or e-mail to the courier). */
  delivery: OutboundChannel;
  /** Where customer feedback goes (signed webhook or e-mail to customer service). */
  customerService: OutboundChannel;
}

/**
 * The one composition of use cases, workflow tasks and event consumers, shared by both runtimes.
 * The workflow runner is passed late because locally it runs the tasks this function creates.
 */
export function composeApplication(adapters: ApplicationAdapters) {
  const { store, ids, clock, payments, objects, mailer, receipts, shop, logger, scheduler } = adapters;
  const useCases = makeUseCases(adapters);
  const sweepAuctions = makeSweepAuctions({ store, closeAuction: useCases.closeAuction });
  const auctionDeps = {
    store,
    ids,
    clock,
    ...(adapters.checkoutWindowMs !== undefined ? { checkoutWindowMs: adapters.checkoutWindowMs } : {}),
  };
  const workflowTasks: Record<string, Record<string, TaskHandler>> = {
    [ORDER_PIPELINE]: orderPipelineTasks({ store, ids, clock, payments, objects, mailer, receipts, shop, logger }),
    [AUCTION_CHECKOUT]: checkoutSagaTasks({ ...auctionDeps, payments }),
  };

  /** Every event consumer, in the order the local dispatcher lists them; names match the AWS queues. */
  const consumers = (workflows: WorkflowRunner): EventConsumer[] => [
    { name: "order-pipeline", ...makeStartOrderPipeline({ workflows }) },
    ...lifecycleConsumers({
      requestDelivery: makeRequestDelivery({ store, ids, clock }),
      dispatchDelivery: makeDispatchDelivery({ store, ids, clock, delivery: adapters.delivery }),
      forwardFeedback: makeForwardFeedback({ store, customerService: adapters.customerService }),
    }),
    ...auctionConsumers({
      keepCloseSchedule: makeKeepCloseSchedule({ store, scheduler }),
      closeAuction: useCases.closeAuction,
      sweepAuctions,
      clock,
      scheduleCheckoutDeadline: makeScheduleCheckoutDeadline({ scheduler }),
      lapseUnpaidAuction: makeLapseUnpaidAuction(auctionDeps),
      workflows,
      publishAuctionQr: makePublishAuctionQr({ objects, qr: adapters.qr, publicUrl: shop.publicUrl }),
      notifyAuctionParties: makeNotifyAuctionParties({
        store,
        mailer,
        shopName: shop.shopName,
        publicUrl: shop.publicUrl,
      }),
    }),
  ];

  const orderEvents = makeOrderEventsConsumer({ store, clock });

  return {
    useCases,
    workflowTasks,
    consumers,
    orderEvents,
    sweepAuctions,
  };
}

export type Application = ReturnType<typeof composeApplication>;
