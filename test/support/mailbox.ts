import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type ParsedMail, simpleParser } from "mailparser";

/** Every .eml file the mailer wrote, parsed. */
export async function readMailbox(mailDir: string): Promise<Array<ParsedMail & { file: string }>> {
  let files: string[];
  try {
    files = readdirSync(mailDir).filter((file) => file.endsWith(".eml"));
  } catch {
    return [];
  }
  return Promise.all(
    files.map(async (file) => Object.assign(await simpleParser(readFileSync(join(mailDir, file))), { file })),
  );
}

export function addressesOf(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((address) => address.value.map((value) => value.address ?? ""));
}
