import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { makeLeaveFeedback } from "../../../application/lifecycle/leave-feedback.js";
import type { makeMarkDelivered } from "../../../application/lifecycle/mark-delivered.js";
import type { makeMarkFulfilled } from "../../../application/lifecycle/mark-fulfilled.js";
import { FeedbackBody } from "../../../domain/orders/order-schemas.js";
import { ANSWERED_IN_TRANSACTION, committedAnswer } from "../committed-answer.js";
import type { HttpEnv } from "../http-env.js";
import { publicOrder } from "../present.js";
import { signedInOnly } from "../require-role.js";
import { errorResponses, jsonContent, OrderSchema } from "../schemas.js";

export interface LifecycleUseCases {
  markFulfilled: ReturnType<typeof makeMarkFulfilled>;
  markDelivered: ReturnType<typeof makeMarkDelivered>;
  leaveFeedback: ReturnType<typeof makeLeaveFeedback>;
}

const request = {
  params: z.object({ id: z.string().min(1).max(64) }),
  query: z.object({ token: z.string().max(200).optional().meta({ description: "A guest's tracking token" }) }),
};
const answers = {
  200: jsonContent(OrderSchema, "The order in its new state"),
  ...errorResponses,
  409: jsonContent(errorResponses[409].content["application/json"].schema, "Not allowed in the order's current state"),
};

export function registerLifecycleRoutes(app: OpenAPIHono<HttpEnv>, useCases: LifecycleUseCases) {
  app.openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/fulfilled",
      tags: ["Bakery lifecycle"],
      summary: "The maker has baked the order (maker or admin); the courier is then notified",
      ...signedInOnly,
      ...ANSWERED_IN_TRANSACTION,
      request,
      responses: answers,
    }),
    async (c) => {
      const answer = committedAnswer(c, 200, publicOrder);
      const order = await useCases.markFulfilled(c.req.valid("param").id, c.get("actor"), answer.options);
      return c.json(answer.body(order), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/delivered",
      tags: ["Bakery lifecycle"],
      summary: "The order arrived (its customer, a courier or an admin)",
      ...ANSWERED_IN_TRANSACTION,
      request,
      responses: answers,
    }),
    async (c) => {
      const answer = committedAnswer(c, 200, publicOrder);
      const order = await useCases.markDelivered(c.req.valid("param").id, c.get("actor"), answer.options);
      return c.json(answer.body(order), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/orders/{id}/feedback",
      tags: ["Bakery lifecycle"],
      summary: "Rate a delivered order, once (its customer); customer service receives it",
      ...ANSWERED_IN_TRANSACTION,
      request: { ...request, body: { content: { "application/json": { schema: FeedbackBody } }, required: true } },
      responses: answers,
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const answer = committedAnswer(c, 200, publicOrder);
      const order = await useCases.leaveFeedback(id, c.req.valid("json"), c.get("actor"), answer.options);
      return c.json(answer.body(order), 200);
    },
  );
}
