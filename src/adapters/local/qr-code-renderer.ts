import QRCode from "qrcode";
import type { QrCodeRenderer } from "../../ports/qr-code-renderer.js";

/** QR codes with the `qrcode` package: SVG for print and the web, PNG for e-mail and chat. */
export const qrCodeRenderer: QrCodeRenderer = {
  svg: (text) => QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 }),
  png: async (text) =>
    new Uint8Array(await QRCode.toBuffer(text, { type: "png", errorCorrectionLevel: "M", margin: 2, width: 512 })),
};
