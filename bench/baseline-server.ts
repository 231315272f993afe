import { createServer } from "node:http";

/* The baseline: a bare node:http endpoint that parses a JSON body and answers JSON, nothing stored. */
const port = Number(process.env.PORT ?? 0);
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    const answer = JSON.stringify({ ok: true, items: Array.isArray(body.items) ? body.items.length : 0 });
    response.writeHead(201, { "content-type": "application/json", "content-length": Buffer.byteLength(answer) });
    response.end(answer);
  });
});
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`listening ${JSON.stringify(server.address())}\n`);
});
