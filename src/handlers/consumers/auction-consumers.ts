import type { makeNotifyAuctionParties } from "../../application/auctions/auction-notifications.js";
import type { makePublishAuctionQr } from "../../application/auctions/auction-qr.js";
import {
  type makeKeepCloseSchedule,
  type makeSweepAuctions,
  SWEEP_DUE,
} from "../../application/auctions/auction-schedule.js";
import {
  CHECKOUT_DUE,
  type makeLapseUnpaidAuction,
  type makeScheduleCheckoutDeadline,
} from "../../application/auctions/checkout-deadline.js";
import { AUCTION_CHECKOUT } from "../../application/auctions/checkout-saga.js";
import type { makeCloseAuction } from "../../application/auctions/close-auction.js";
import type { StoredEvent } from "../../domain/shared/event.js";
import type { Clock } from "../../ports/clock.js";
import type { WorkflowRunner } from "../../ports/workflow-runner.js";
import { QUEUE_EVENT_TYPES } from "./event-routes.js";

export interface AuctionConsumerUseCases {
  keepCloseSchedule: ReturnType<typeof makeKeepCloseSchedule>;
  closeAuction: ReturnType<typeof makeCloseAuction>;
  sweepAuctions: ReturnType<typeof makeSweepAuctions>;
  clock: Clock;
  notifyAuctionParties: ReturnType<typeof makeNotifyAuctionParties>;
  publishAuctionQr: ReturnType<typeof makePublishAuctionQr>;
  scheduleCheckoutDeadline: ReturnType<typeof makeScheduleCheckoutDeadline>;
  lapseUnpaidAuction: ReturnType<typeof makeLapseUnpaidAuction>;
  workflows: WorkflowRunner;
}

/** The auction marketplace's queues: close schedules, the closer, and the notification queue. */
export function auctionConsumers(useCases: AuctionConsumerUseCases) {
  return [
    {
      name: "auction-schedules",
      eventTypes: QUEUE_EVENT_TYPES["auction-schedules"],
      handle: (event: StoredEvent) => useCases.keepCloseSchedule(event),
    },
    {
      name: "auction-closer",
      eventTypes: QUEUE_EVENT_TYPES["auction-closer"],
      handle: async (event: StoredEvent) => {
        if (event.type === SWEEP_DUE) await useCases.sweepAuctions(useCases.clock.now());
        else await useCases.closeAuction(event.key);
      },
    },
    {
      name: "auction-checkout",
      eventTypes: QUEUE_EVENT_TYPES["auction-checkout"],
      handle: async (event: StoredEvent) => {
        const checkoutId = String(event.data.checkoutId);
        const result = await useCases.workflows.run(AUCTION_CHECKOUT, { auctionId: event.key, checkoutId }, checkoutId);
        if (result.status === "failed") {
          throw Object.assign(new Error(`Checkout saga failed: ${result.error?.name}: ${result.error?.cause}`), {
            name: "WorkflowFailedError",
          });
        }
      },
    },
    {
      name: "auction-checkout-deadlines",
      eventTypes: QUEUE_EVENT_TYPES["auction-checkout-deadlines"],
      handle: async (event: StoredEvent) => {
        if (event.type === CHECKOUT_DUE) await useCases.lapseUnpaidAuction(event.key);
        else await useCases.scheduleCheckoutDeadline(event);
      },
    },
    {
      name: "auction-qr-codes",
      eventTypes: QUEUE_EVENT_TYPES["auction-qr-codes"],
      handle: (event: StoredEvent) => useCases.publishAuctionQr(event),
    },
    {
      name: "auction-notifications",
      eventTypes: QUEUE_EVENT_TYPES["auction-notifications"],
      handle: (event: StoredEvent) => useCases.notifyAuctionParties(event),
    },
  ];
}
