import { z } from "zod";
import type { Money } from "../shared/money.js";

export interface Product {
  id: string;
  /** The catalog number (1, 2, 3, ...) that older clients send as `productId`. */
  number: number;
  name: string;
  description: string;
  price: Money;
  stock: number;
  imageUrl?: string;
  createdAt: string;
  updatedAt: string;
}

const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, "Use a three-letter ISO 4217 code such as EUR")
  .meta({ example: "EUR" });

export const MoneySchema = z.strictObject({
  amount: z.number().int("Use whole cents").positive().max(100_000_000).meta({ description: "Minor units (cents)" }),
  currency,
});

export const CreateProductBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120),
    description: z.string().trim().max(2000).default(""),
    price: MoneySchema,
    stock: z.number().int().min(0).max(1_000_000),
    imageUrl: z.url().max(500).optional(),
  })
  .meta({ id: "CreateProduct" });
export type CreateProductBody = z.infer<typeof CreateProductBody>;

export const UpdateProductBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    description: z.string().trim().max(2000).optional(),
    price: MoneySchema.optional(),
    imageUrl: z.url().max(500).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "Give at least one field to change")
  .meta({ id: "UpdateProduct" });
export type UpdateProductBody = z.infer<typeof UpdateProductBody>;

export const SetStockBody = z.strictObject({ stock: z.number().int().min(0).max(1_000_000) }).meta({ id: "SetStock" });
