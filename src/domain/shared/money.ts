/** An amount in the currency's minor unit (cents), never a float. */
export interface Money {
  amount: number;
  currency: string;
}

export function formatMoney(money: Money): string {
  const major = (money.amount / 100).toFixed(2);
  return `${money.currency} ${major}`;
}
