// Pass a plain Uint8Array: pdf-parse 1.x misreads a Node Buffer smaller than 4 KiB ("bad XRef entry").
declare module "pdf-parse/lib/pdf-parse.js" {
  function pdfParse(data: Uint8Array): Promise<{ text: string; numpages: number }>;
  export default pdfParse;
}
