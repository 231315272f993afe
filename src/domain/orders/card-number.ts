/**
 * The Luhn checksum every payment card number carries (ISO/IEC 7812): catches a mistyped digit or two
 * swapped neighbours before the number reaches a payment provider. `digits` holds digits only.
 */
export function passesLuhnCheck(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
