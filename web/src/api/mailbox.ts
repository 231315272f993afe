import { send } from "./client";

/**
 * The captured outbox of the embedded runtime (admin only). These routes exist only in the local
 * runtime, so they are not in the OpenAPI document: their shapes are typed here by hand.
 */
export interface MailSummary {
  fileName: string;
  to: string;
  subject: string;
  date: string;
  size: number;
}
export interface MailAttachment {
  index: number;
  filename: string;
  contentType: string;
  size: number;
}
export interface MailMessage {
  fileName: string;
  messageId?: string;
  from: string;
  to: string;
  subject: string;
  date: string;
  text: string;
  attachments: MailAttachment[];
}

const base = (fileName: string) => `/admin/mail/${encodeURIComponent(fileName)}`;

export const mailbox = {
  list: async () =>
    (await (await send("/admin/mail", { headers: { accept: "application/json" } })).json()) as { items: MailSummary[] },
  get: async (fileName: string) =>
    (await (await send(base(fileName), { headers: { accept: "application/json" } })).json()) as MailMessage,
  /** Fetches bytes with the bearer header and returns a blob URL the browser can open. */
  blobUrl: async (fileName: string, part: { attachment: number } | "raw") => {
    const url = part === "raw" ? `${base(fileName)}/raw` : `${base(fileName)}/attachments/${part.attachment}`;
    const blob = await (await send(url, { headers: { accept: "*/*" } })).blob();
    return URL.createObjectURL(blob);
  },
};
