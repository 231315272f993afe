import type { APIGatewayProxyEventV2 } from "aws-lambda";

/** An API Gateway HTTP API (payload format 2.0) event, as Lambda receives it behind the `$default` route. */
export function httpApiEvent(
  method: string,
  pathAndQuery: string,
  options: { headers?: Record<string, string>; body?: unknown; sourceIp?: string } = {},
): APIGatewayProxyEventV2 {
  const [rawPath = "/", rawQueryString = ""] = pathAndQuery.split("?");
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    accept: "*/*",
    host: "abc123.execute-api.eu-west-1.amazonaws.com",
    "user-agent": "vitest",
    "x-forwarded-for": options.sourceIp ?? "203.0.113.7",
    "x-forwarded-port": "443",
    "x-forwarded-proto": "https",
    ...(body ? { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } : {}),
    ...options.headers,
  };
  const now = Date.now();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers,
    ...(rawQueryString
      ? { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString).entries()) }
      : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "abc123",
      http: {
        method,
        path: rawPath,
        protocol: "HTTP/1.1",
        sourceIp: options.sourceIp ?? "203.0.113.7",
        userAgent: "vitest",
      },
      requestId: `req-${now}`,
      routeKey: "$default",
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(body ? { body, isBase64Encoded: false } : { isBase64Encoded: false }),
  };
}
