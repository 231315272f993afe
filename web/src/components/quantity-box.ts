import { useState } from "react";

/** The whole number typed in a quantity box, or undefined while it is empty or not a count. */
function parseQuantity(text: string): number | undefined {
  const v = text.trim();
  return /^\d+$/.test(v) && Number(v) >= 1 ? Number(v) : undefined;
}

/**
 * The value and handlers of a quantity box. What the shopper types stays as typed (an emptied box stays
 * empty, so typing 3 gives 3, not 13); each whole number typed is passed on at once, capped at `cap`; on
 * blur the box settles on the quantity passed on last. `settle` does the same before the quantity is used.
 */
export function useQuantityBox(quantity: number, cap: number, onChange: (quantity: number) => void) {
  const [draft, setDraft] = useState<string>();
  const settle = () => setDraft(undefined);
  return {
    settle,
    input: {
      value: draft ?? String(quantity),
      onChange: (event: { target: { value: string } }) => {
        setDraft(event.target.value);
        const typed = parseQuantity(event.target.value);
        if (typed !== undefined) onChange(Math.min(typed, cap));
      },
      onBlur: settle,
    },
  };
}
