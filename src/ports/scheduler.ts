/** One-off timers that survive restarts (EventBridge Scheduler on AWS): at `at`, the event is published. */
export interface Scheduler {
  /** Creates or moves the timer `id`. */
  schedule(id: string, at: Date, event: { type: string; key: string; data?: Record<string, unknown> }): Promise<void>;
  cancel(id: string): Promise<void>;
}
