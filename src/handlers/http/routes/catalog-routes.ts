import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { makeCreateProduct } from "../../../application/catalog/create-product.js";
import type { makeGetProduct } from "../../../application/catalog/get-product.js";
import type { makeListProducts } from "../../../application/catalog/list-products.js";
import type { makeSetStock } from "../../../application/catalog/set-stock.js";
import type { makeUpdateProduct } from "../../../application/catalog/update-product.js";
import { CreateProductBody, type Product, SetStockBody, UpdateProductBody } from "../../../domain/catalog/product.js";
import { ANSWERED_IN_TRANSACTION, committedAnswer } from "../committed-answer.js";
import type { HttpEnv } from "../http-env.js";
import { rolesOnly } from "../require-role.js";
import { errorResponses, jsonContent, PageQuery, ProductSchema } from "../schemas.js";

export interface CatalogUseCases {
  listProducts: ReturnType<typeof makeListProducts>;
  getProduct: ReturnType<typeof makeGetProduct>;
  createProduct: ReturnType<typeof makeCreateProduct>;
  updateProduct: ReturnType<typeof makeUpdateProduct>;
  setStock: ReturnType<typeof makeSetStock>;
}

const ProductId = z.object({ id: z.string().min(1).max(64).meta({ example: "chocolate-fudge-cake" }) });
const ProductPage = z
  .object({ items: z.array(ProductSchema), cursor: z.string().optional() })
  .meta({ id: "ProductPage" });
const jsonBody = <S extends z.ZodType>(schema: S) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

export function registerCatalogRoutes(app: OpenAPIHono<HttpEnv>, useCases: CatalogUseCases) {
  app.openapi(
    createRoute({
      method: "get",
      path: "/products",
      tags: ["Catalog"],
      summary: "List the catalog, in catalog-number order",
      request: { query: PageQuery },
      responses: { 200: jsonContent(ProductPage, "A page of products"), 400: errorResponses[400] },
    }),
    async (c) => c.json(await useCases.listProducts(c.req.valid("query")), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/products/{id}",
      tags: ["Catalog"],
      summary: "One product, by id or catalog number",
      request: { params: ProductId },
      responses: { 200: jsonContent(ProductSchema, "The product"), 404: errorResponses[404] },
    }),
    async (c) => c.json(await useCases.getProduct(c.req.valid("param").id), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/products",
      tags: ["Catalog"],
      summary: "Add a product (admin)",
      ...rolesOnly("admin"),
      ...ANSWERED_IN_TRANSACTION,
      request: jsonBody(CreateProductBody),
      responses: { 201: jsonContent(ProductSchema, "Created"), ...errorResponses },
    }),
    async (c) => {
      const answer = committedAnswer(
        c,
        201,
        (product: Product) => product,
        (product) => `/products/${product.id}`,
      );
      const product = await useCases.createProduct(c.req.valid("json"), answer.options);
      return c.json(answer.body(product), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/products/{id}",
      tags: ["Catalog"],
      summary: "Change a product's name, description, price or picture (admin)",
      ...rolesOnly("admin"),
      request: { params: ProductId, ...jsonBody(UpdateProductBody) },
      responses: { 200: jsonContent(ProductSchema, "Updated"), ...errorResponses },
    }),
    async (c) => c.json(await useCases.updateProduct(c.req.valid("param").id, c.req.valid("json")), 200),
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/products/{id}/stock",
      tags: ["Catalog"],
      summary: "Set the units on hand (admin)",
      ...rolesOnly("admin"),
      request: { params: ProductId, ...jsonBody(SetStockBody) },
      responses: { 200: jsonContent(ProductSchema, "Updated"), ...errorResponses },
    }),
    async (c) => c.json(await useCases.setStock(c.req.valid("param").id, c.req.valid("json").stock), 200),
  );
}
