import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { SERVER_NODE_OPTIONS } from "../scripts/build-server.mjs";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Units of the CPU times in /proc/<pid>/stat (USER_HZ). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Server on core 0, load generator (this process) on core 1, when the machine has two cores and taskset. */
export const pinning = cpus().length >= 2 && hasTaskset();

export function pinSelf(core: number): void {
  if (pinning) execFileSync("taskset", ["-cp", String(core), String(process.pid)], { stdio: "ignore" });
}

export interface Started {
  child: ChildProcess;
  url: string;
  /** Peak resident set size so far, from /proc (VmHWM), in bytes. */
  peakRss(): number;
  /** CPU time the process has used so far (user + system, all its threads), from /proc, in ms; 0 where unknown. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Starts an entry point (TypeScript with tsx, or a built .mjs) on core 0 and waits until `ready` answers. */
export async function startProcess(
  entry: string,
  env: Record<string, string>,
  readyPath: string,
  options: { timeoutMs?: number } = {},
): Promise<Started & { readyMs: number }> {
  const started = Date.now();
  // BENCH_NODE_ARGS adds Node options to the server, e.g. "--cpu-prof --cpu-prof-dir=prof" to profile it.
  const extra = process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  // Every server (the baseline too) runs with the Node options of `npm start`.
  const args = [...SERVER_NODE_OPTIONS, ...extra, ...(entry.endsWith(".mjs") ? [entry] : ["--import", "tsx", entry])];
  const child = pinning
    ? spawn("taskset", ["-c", "0", process.execPath, ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ["ignore", "ignore", "pipe"],
      })
    : spawn(process.execPath, args, {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ["ignore", "ignore", "pipe"],
      });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = started + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${entry} exited: ${stderr}`);
    try {
      const response = await fetch(`${url}${readyPath}`, {
        method: readyPath === "/" ? "POST" : "GET",
        body: readyPath === "/" ? "{}" : undefined,
      });
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${entry} did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const readyMs = Date.now() - started;
  return {
    child,
    url,
    readyMs,
    peakRss: () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      } catch {
        return 0;
      }
    },
    cpuMs: () => {
      try {
        // Fields 14 and 15 of /proc/<pid>/stat (counted after the command name, which may hold spaces).
        const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
      } catch {
        return 0;
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}
