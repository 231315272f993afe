// pdfkit imports fontkit to embed custom fonts; receipts use the 14 standard PDF fonts only, so Lambda
// bundles replace it with this stub (saving ~700 KB: fontkit and its brotli decoder).
export function create() {
  throw new Error("Embedded fonts are not bundled in the Lambda functions; use a standard PDF font");
}
