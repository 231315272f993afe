import type { Logger } from "../../ports/logger.js";

type Level = "info" | "warn" | "error";
const order: Record<Level | "silent", number> = { info: 0, warn: 1, error: 2, silent: 3 };

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, ...("code" in value ? { code: value.code } : {}) };
  }
  return value;
}

/** A Logger writing JSON lines to a stream (stdout by default), dropping entries below `level`. */
export function createJsonLogger(
  options: { level?: Level | "silent"; write?: (line: string) => void; fields?: Record<string, unknown> } = {},
): Logger {
  const minimum = order[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const base = options.fields ?? {};
  const log = (level: Level, message: string, fields: Record<string, unknown> = {}) => {
    if (order[level] < minimum) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level, message, ...base };
    for (const [key, value] of Object.entries(fields)) entry[key] = serialise(value);
    write(`${JSON.stringify(entry)}\n`);
  };
  return {
    info: (message, fields) => log("info", message, fields),
    warn: (message, fields) => log("warn", message, fields),
    error: (message, fields) => log("error", message, fields),
    child: (fields) => createJsonLogger({ ...options, fields: { ...base, ...fields } }),
  };
}
