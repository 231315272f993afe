import type { Clock, IdGenerator } from "../ports/clock.js";
import type { EventLog } from "../ports/event-log.js";
import type { ItemStore } from "../ports/item-store.js";
import type { Logger } from "../ports/logger.js";
import type { Mailer } from "../ports/mailer.js";
import type { ObjectStore } from "../ports/object-store.js";
import type { PasswordHasher } from "../ports/password-hasher.js";
import type { ReceiptRenderer } from "../ports/receipt-renderer.js";
import type { TokenIssuer } from "../ports/token-issuer.js";
import type { UploadSigner } from "../ports/upload-signer.js";
import {
  makeAttachAgreement,
  makeGetAgreement,
  makeGetAgreementSummary,
  makeRequestAgreementUpload,
} from "./auctions/agreement-upload.js";
import { makeGetAuctionQr } from "./auctions/auction-qr.js";
import { makeCancelAuction, makeUpdateAuction } from "./auctions/change-auction.js";
import { makeCloseAuction } from "./auctions/close-auction.js";
import { makeCreateAuction } from "./auctions/create-auction.js";
import { makePlaceBid } from "./auctions/place-bid.js";
import { makeGetAuction, makeListAuctions, makeListMyBids } from "./auctions/read-auctions.js";
import { makeRequestCheckout } from "./auctions/request-checkout.js";
import { makeCreateProduct } from "./catalog/create-product.js";
import { makeGetProduct } from "./catalog/get-product.js";
import { makeListProducts } from "./catalog/list-products.js";
import { makeSeedCatalog } from "./catalog/seed-catalog.js";
import { makeSetStock } from "./catalog/set-stock.js";
import { makeUpdateProduct } from "./catalog/update-product.js";
import { makeIdempotency } from "./idempotency/idempotency.js";
import { makeLeaveFeedback } from "./lifecycle/leave-feedback.js";
import { makeMarkDelivered } from "./lifecycle/mark-delivered.js";
import { makeMarkFulfilled } from "./lifecycle/mark-fulfilled.js";
import { makeGetOrder } from "./orders/get-order.js";
import { makeGetReceipt } from "./orders/get-receipt.js";
import { makeListOrders } from "./orders/list-orders.js";
import { makeOrderStats } from "./orders/order-stats.js";
import type { ShopSettings } from "./orders/pipeline/pipeline-deps.js";
import { makePlaceOrder } from "./orders/place-order.js";
import { makeSellerNotes } from "./sellers/seller-notes.js";
import { makeConfirmPasswordReset } from "./users/confirm-password-reset.js";
import { makeEnsureUser } from "./users/ensure-user.js";
import { makeRequestPasswordReset } from "./users/request-password-reset.js";
import { makeResolveActor, makeSignOutEverywhere } from "./users/sessions.js";
import { makeSignIn } from "./users/sign-in.js";
import { makeSignUp } from "./users/sign-up.js";

export interface UseCasePorts {
  logger: Logger;
  store: ItemStore;
  events: EventLog;
  ids: IdGenerator;
  clock: Clock;
  objects: ObjectStore;
  hasher: PasswordHasher;
  tokens: TokenIssuer;
  signer: UploadSigner;
  receipts: ReceiptRenderer;
  /** Request-side e-mail: password reset links are sent by the request that asks for them. */
  mailer: Mailer;
  shop: ShopSettings;
  checkoutWindowMs?: number;
  /** Sign-ups allowed per client address and hour. */
  signUpsPerHour?: number;
}

/** Every request-side use case, built from ports; the local and AWS runtimes share this. */
export function makeUseCases(ports: UseCasePorts) {
  const createProduct = makeCreateProduct(ports);
  return {
    listProducts: makeListProducts(ports),
    getProduct: makeGetProduct(ports),
    createProduct,
    updateProduct: makeUpdateProduct(ports),
    setStock: makeSetStock(ports),
    seedCatalog: makeSeedCatalog({ store: ports.store, createProduct }),
    placeOrder: makePlaceOrder(ports),
    getOrder: makeGetOrder(ports),
    listOrders: makeListOrders(ports),
    orderStats: makeOrderStats(ports),
    getReceipt: makeGetReceipt(ports),
    markFulfilled: makeMarkFulfilled(ports),
    markDelivered: makeMarkDelivered(ports),
    leaveFeedback: makeLeaveFeedback(ports),
    signUp: makeSignUp(ports),
    signIn: makeSignIn(ports),
    requestPasswordReset: makeRequestPasswordReset(ports),
    confirmPasswordReset: makeConfirmPasswordReset(ports),
    resolveActor: makeResolveActor(ports),
    signOutEverywhere: makeSignOutEverywhere(ports),
    ensureUser: makeEnsureUser(ports),
    idempotency: makeIdempotency(ports),
    createAuction: makeCreateAuction(ports),
    updateAuction: makeUpdateAuction(ports),
    cancelAuction: makeCancelAuction(ports),
    placeBid: makePlaceBid(ports),
    getAuction: makeGetAuction(ports),
    listAuctions: makeListAuctions(ports),
    listMyBids: makeListMyBids(ports),
    closeAuction: makeCloseAuction(ports),
    sellerNotes: makeSellerNotes(ports),
    getAuctionQr: makeGetAuctionQr(ports),
    requestAgreementUpload: makeRequestAgreementUpload(ports),
    attachAgreement: makeAttachAgreement(ports),
    getAgreement: makeGetAgreement(ports),
    getAgreementSummary: makeGetAgreementSummary(ports),
    requestCheckout: makeRequestCheckout(ports),
  };
}

export type UseCases = ReturnType<typeof makeUseCases>;
