import type { CreateProductBody } from "../../domain/catalog/product.js";

/** The bakery the embedded runtime starts with (catalog numbers follow this order: 1, 2, 3, ...). */
export const DEFAULT_CATALOG: Array<CreateProductBody & { id: string }> = [
  {
    id: "chocolate-fudge-cake",
    name: "Chocolate Fudge Cake",
    description: "Three layers of dark chocolate sponge with a glossy fudge ganache.",
    price: { amount: 3450, currency: "EUR" },
    stock: 12,
  },
  {
    id: "lemon-drizzle-cake",
    name: "Lemon Drizzle Cake",
    description: "A light loaf soaked in lemon syrup under a crackling sugar crust.",
    price: { amount: 2200, currency: "EUR" },
    stock: 20,
  },
  {
    id: "red-velvet-cake",
    name: "Red Velvet Cake",
    description: "Cocoa-tinted buttermilk sponge with cream cheese frosting.",
    price: { amount: 3600, currency: "EUR" },
    stock: 10,
  },
  {
    id: "carrot-cake",
    name: "Carrot Cake",
    description: "Spiced with cinnamon and nutmeg, with walnuts and an orange cream cheese topping.",
    price: { amount: 2900, currency: "EUR" },
    stock: 15,
  },
  {
    id: "new-york-cheesecake",
    name: "New York Cheesecake",
    description: "Dense, creamy baked cheesecake on a buttery biscuit base.",
    price: { amount: 3200, currency: "EUR" },
    stock: 8,
  },
  {
    id: "black-forest-gateau",
    name: "Black Forest Gâteau",
    description: "Chocolate sponge, kirsch-soaked cherries and whipped cream.",
    price: { amount: 3800, currency: "EUR" },
    stock: 6,
  },
  {
    id: "victoria-sponge",
    name: "Victoria Sponge",
    description: "Two vanilla sponges filled with raspberry jam and buttercream.",
    price: { amount: 2400, currency: "EUR" },
    stock: 18,
  },
  {
    id: "tarte-au-citron",
    name: "Tarte au Citron",
    description: "Sharp lemon curd in a sweet shortcrust shell, lightly torched.",
    price: { amount: 2600, currency: "EUR" },
    stock: 9,
  },
  {
    id: "strawberry-shortcake",
    name: "Strawberry Shortcake",
    description: "Fluffy sponge layered with fresh strawberries and chantilly cream.",
    price: { amount: 3100, currency: "EUR" },
    stock: 7,
  },
  {
    id: "birthday-cupcakes",
    name: "Birthday Cupcakes (box of 6)",
    description: "Vanilla cupcakes with rainbow sprinkles and a candle each.",
    price: { amount: 1800, currency: "EUR" },
    stock: 30,
  },
];
