import { useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/client";
import { type MailMessage, mailbox } from "../api/mailbox";
import { Empty, ErrorBox, Loading, PageTitle, useLoad } from "../components/status";
import { Link, useRouter } from "../router";

const kb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** The captured outbox of the embedded runtime, like a developer mailbox. */
export function AdminMail() {
  const { location } = useRouter();
  const selected = location.query.get("m") ?? undefined;
  const list = useLoad(async () => (await mailbox.list()).items, []);
  return (
    <>
      <PageTitle>Mailbox</PageTitle>
      <p className="muted">Every e-mail the shop sent, captured instead of delivered. Newest first.</p>
      <div className="toolbar">
        <button type="button" className="button button--ghost button--small" onClick={list.reload}>
          Refresh
        </button>
      </div>
      <div className="mailbox">
        <section aria-labelledby="mail-list-title" className="mailbox__list">
          <h2 id="mail-list-title" className="visually-hidden">
            Messages
          </h2>
          {list.loading && !list.data && <Loading />}
          {list.error !== undefined && <ErrorBox error={list.error} retry={list.reload} />}
          {list.data?.length === 0 && <Empty>No e-mail sent yet.</Empty>}
          {list.data && list.data.length > 0 && (
            <ul className="mail-list">
              {list.data.map((m) => (
                <li key={m.fileName}>
                  <Link
                    href={`/backoffice/mail?m=${encodeURIComponent(m.fileName)}`}
                    className={`card mail-item${m.fileName === selected ? " mail-item--selected" : ""}`}
                    aria-current={m.fileName === selected ? "true" : undefined}
                  >
                    <strong className="mail-item__subject">{m.subject || "(no subject)"}</strong>
                    <span className="muted">
                      To {m.to} · {m.date ? new Date(m.date).toLocaleString() : "—"} · {kb(m.size)}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="mail-view-title" className="mailbox__view">
          <h2 id="mail-view-title" className="visually-hidden">
            Selected message
          </h2>
          {selected ? <MailView fileName={selected} /> : <Empty>Choose a message to read it.</Empty>}
        </section>
      </div>
    </>
  );
}

function MailView({ fileName }: { fileName: string }) {
  const message = useLoad(() => mailbox.get(fileName), [fileName]);
  if (message.loading && !message.data) return <Loading label="Opening the message…" />;
  if (message.error !== undefined) return <ErrorBox error={message.error} retry={message.reload} />;
  if (!message.data) return null;
  return <MailBody message={message.data} />;
}

/** A message opened from the list: on a phone it is far below the list, so it is scrolled to and focused. */
function MailBody({ message }: { message: MailMessage }) {
  const [problem, setProblem] = useState<string>();
  const ref = useRef<HTMLElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each newly opened message is brought into view
  useEffect(() => {
    const article = ref.current;
    if (!article) return;
    article.focus({ preventScroll: true });
    const { top } = article.getBoundingClientRect();
    if (top < 0 || top > window.innerHeight / 2) article.scrollIntoView({ block: "start" });
  }, [message.fileName]);
  async function open(part: { attachment: number } | "raw") {
    setProblem(undefined);
    // open the tab synchronously so pop-up blockers allow it, then point it at the blob
    const tab = window.open("", "_blank");
    try {
      const url = await mailbox.blobUrl(message.fileName, part);
      if (tab) tab.location.href = url;
      else window.location.href = url;
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      tab?.close();
      setProblem(errorMessage(e));
    }
  }
  return (
    <article ref={ref} tabIndex={-1} className="card mail-message" aria-label={`Message: ${message.subject}`}>
      <p className="mail-message__back">
        <Link href="/backoffice/mail">← Back to the messages</Link>
      </p>
      <h3 className="mail-message__subject">{message.subject || "(no subject)"}</h3>
      <dl className="mail-headers">
        <dt>From</dt>
        <dd>{message.from}</dd>
        <dt>To</dt>
        <dd>{message.to}</dd>
        <dt>Date</dt>
        <dd>{message.date ? new Date(message.date).toLocaleString() : "—"}</dd>
        {message.messageId && (
          <>
            <dt>Message-ID</dt>
            <dd>
              <code>{message.messageId}</code>
            </dd>
          </>
        )}
      </dl>
      <pre className="mail-text">{message.text || "(no text body)"}</pre>
      <h4>Attachments</h4>
      {message.attachments.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="mail-attachments">
          {message.attachments.map((a) => (
            <li key={a.index}>
              <button type="button" className="link-button" onClick={() => open({ attachment: a.index })}>
                {a.filename}
              </button>{" "}
              <span className="muted">
                {a.contentType} · {kb(a.size)}
              </span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <button type="button" className="button button--ghost button--small" onClick={() => open("raw")}>
          Open raw .eml
        </button>
      </p>
      {problem && (
        <p className="state state--error" role="alert">
          {problem}
        </p>
      )}
    </article>
  );
}
