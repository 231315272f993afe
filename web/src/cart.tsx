import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";

export interface CartLine {
  productId: string;
  quantity: number;
}
interface Cart {
  lines: CartLine[];
  count: number;
  add: (productId: string, quantity?: number) => void;
  setQuantity: (productId: string, quantity: number) => void;
  remove: (productId: string) => void;
  clear: () => void;
  /** Drops the lines of products not in `productIds` (the whole catalog): they can no longer be ordered. */
  keepOnly: (productIds: string[]) => void;
}
const KEY = "orderflow.cart";
const CartContext = createContext<Cart | null>(null);

function load(): CartLine[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    return Array.isArray(parsed) ? (parsed as CartLine[]).filter((l) => l && typeof l.productId === "string") : [];
  } catch {
    return [];
  }
}

/** The cart lives in localStorage so it survives reloads and is shared between tabs. */
export function CartProvider({ children }: { children: ReactNode }) {
  const [lines, setLines] = useState<CartLine[]>(load);
  useEffect(() => localStorage.setItem(KEY, JSON.stringify(lines)), [lines]);
  useEffect(() => {
    const onStorage = (event: StorageEvent) => event.key === KEY && setLines(load());
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, []);
  const setQuantity = (productId: string, quantity: number) =>
    setLines((old) =>
      old.map((l) => (l.productId === productId ? { ...l, quantity: Math.max(1, Math.min(99, quantity)) } : l)),
    );
  const add = (productId: string, quantity = 1) =>
    setLines((old) =>
      old.some((l) => l.productId === productId)
        ? old.map((l) => (l.productId === productId ? { ...l, quantity: Math.min(99, l.quantity + quantity) } : l))
        : [...old, { productId, quantity }],
    );
  const remove = (productId: string) => setLines((old) => old.filter((l) => l.productId !== productId));
  const clear = () => setLines([]);
  const keepOnly = useCallback(
    (productIds: string[]) =>
      setLines((old) => {
        const kept = old.filter((l) => productIds.includes(l.productId));
        return kept.length === old.length ? old : kept;
      }),
    [],
  );
  const count = lines.reduce((sum, l) => sum + l.quantity, 0);
  return (
    <CartContext.Provider value={{ lines, count, add, setQuantity, remove, clear, keepOnly }}>
      {children}
    </CartContext.Provider>
  );
}

export function useCart() {
  const cart = useContext(CartContext);
  if (!cart) throw new Error("useCart outside CartProvider");
  return cart;
}

const TRACKING_KEY = "orderflow.tracking";
/** Tracking tokens of orders placed in this browser, so their live stream and receipt work without a header. */
export const trackingTokens = {
  get(orderId: string): string | undefined {
    try {
      return (JSON.parse(localStorage.getItem(TRACKING_KEY) ?? "{}") as Record<string, string>)[orderId];
    } catch {
      return undefined;
    }
  },
  set(orderId: string, token: string) {
    let all: Record<string, string> = {};
    try {
      all = JSON.parse(localStorage.getItem(TRACKING_KEY) ?? "{}") as Record<string, string>;
    } catch {}
    all[orderId] = token;
    localStorage.setItem(TRACKING_KEY, JSON.stringify(all));
  },
};

const DETAILS_KEY = "orderflow.checkout-details";
/**
 * What the shopper typed at checkout in this tab — never the card number — so trying again after a
 * declined payment does not mean typing it all again. Session storage: it goes when the tab closes.
 */
export const checkoutDetails = {
  get(): Record<string, string> {
    try {
      const stored: unknown = JSON.parse(sessionStorage.getItem(DETAILS_KEY) ?? "{}");
      if (!stored || typeof stored !== "object") return {};
      return Object.fromEntries(Object.entries(stored).filter(([, v]) => typeof v === "string"));
    } catch {
      return {};
    }
  },
  set(details: Record<string, string>) {
    sessionStorage.setItem(DETAILS_KEY, JSON.stringify(details));
  },
  clear() {
    sessionStorage.removeItem(DETAILS_KEY);
  },
};
