/** Renders QR codes (the auction pages' codes). */
export interface QrCodeRenderer {
  svg(text: string): Promise<string>;
  png(text: string): Promise<Uint8Array>;
}
