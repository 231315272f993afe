import { ApiError, tokenStore } from "./client";

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

async function authedFetch(url: string, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept };
  const token = tokenStore.get();
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers });
  } catch {
    throw new ApiError(0, "NETWORK", "We could not reach the bakery. Check your connection and try again.");
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as
      | { error?: { code?: string; message?: string } }
      | undefined;
    throw new ApiError(
      response.status,
      body?.error?.code ?? `HTTP_${response.status}`,
      body?.error?.message ?? `The request failed (${response.status})`,
    );
  }
  return response;
}

export const mailbox = {
  list: async () => (await (await authedFetch("/admin/mail", "application/json")).json()) as { items: MailSummary[] },
  get: async (fileName: string) =>
    (await (await authedFetch(base(fileName), "application/json")).json()) as MailMessage,
  /** Fetches bytes with the bearer header and returns a blob URL the browser can open. */
  blobUrl: async (fileName: string, part: { attachment: number } | "raw") => {
    const url = part === "raw" ? `${base(fileName)}/raw` : `${base(fileName)}/attachments/${part.attachment}`;
    const blob = await (await authedFetch(url, "*/*")).blob();
    return URL.createObjectURL(blob);
  },
};
