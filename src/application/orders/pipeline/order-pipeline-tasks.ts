import type { TaskHandler } from "../../../ports/workflow-runner.js";
import { makeChargePayment } from "./charge-payment.js";
import { makeCheckOrder } from "./check-order.js";
import { makeConfirmOrder } from "./confirm-order.js";
import { makeFailOrder } from "./fail-order.js";
import { makeIssueReceipt } from "./issue-receipt.js";
import { makeNotifyFailure } from "./notify-failure.js";
import { makeNotifyMaker } from "./notify-maker.js";
import type { PipelineDeps } from "./pipeline-deps.js";
import { makeRefundPayment } from "./refund-payment.js";
import { makeReleaseStock } from "./release-stock.js";
import { makeReserveStock } from "./reserve-stock.js";
import { makeValidateOrder } from "./validate-order.js";

export const ORDER_PIPELINE = "order-pipeline";

/** The Task states of workflows/order-pipeline.asl.json and the use case each one runs. */
export function orderPipelineTasks(deps: PipelineDeps): Record<string, TaskHandler> {
  return {
    CheckOrder: makeCheckOrder(deps),
    ValidateOrder: makeValidateOrder(deps),
    ReserveStock: makeReserveStock(deps),
    ChargePayment: makeChargePayment(deps),
    ConfirmOrder: makeConfirmOrder(deps),
    IssueReceipt: makeIssueReceipt(deps),
    NotifyMaker: makeNotifyMaker(deps),
    RefundPayment: makeRefundPayment(deps),
    ReleaseStock: makeReleaseStock(deps),
    FailOrder: makeFailOrder(deps),
    NotifyFailure: makeNotifyFailure(deps),
  };
}
