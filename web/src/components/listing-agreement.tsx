import { type ChangeEvent, type FormEvent, useEffect, useRef, useState } from "react";
import {
  AGREEMENT_MAX_BYTES,
  AGREEMENT_TYPES,
  agreementFileProblem,
  attachedAgreement,
  downloadAgreement,
  formatBytes,
  typeLabel,
  uploadAgreement,
} from "../api/agreement";
import { ApiError, errorMessage } from "../api/client";
import { ErrorBox, Loading, useLoad } from "./status";

/** The file picker offers what the API accepts, by extension and by type. */
const ACCEPT = [".pdf", ".png", ".jpg", ".jpeg", ...Object.keys(AGREEMENT_TYPES)].join(",");
/** How long after the upload the page looks for the attached agreement (it is attached after an upload event). */
const CHECK_DELAYS_MS = [0, 500, 1000, 2000, 3000, 5000];
type Stage = "idle" | "preparing" | "sending" | "checking";
/** A file sent to the upload URL: the key it was stored under and the name the seller knows it by. */
interface Upload {
  key: string;
  name: string;
}
const BUSY_LABELS: Record<Stage, string> = {
  idle: "",
  preparing: "Preparing…",
  sending: "Uploading…",
  checking: "Checking…",
};

/** An API refusal in words, with the fields it names (a type or size the API would not take). */
function refusal(error: unknown) {
  if (error instanceof ApiError && error.fields.length > 0)
    return `${error.message}: ${error.fields.map((f) => f.message).join("; ")}`;
  return errorMessage(error);
}

/**
 * The auction's signed listing agreement: its seller uploads or replaces it, and the seller or an admin
 * downloads it. `canUpload` is for the seller only (the API gives upload URLs to no one else).
 */
export function ListingAgreement({ auctionId, canUpload }: { auctionId: string; canUpload: boolean }) {
  const current = useLoad(() => attachedAgreement(auctionId), [auctionId]);
  const [file, setFile] = useState<File>();
  const [error, setError] = useState<string>();
  const [stage, setStage] = useState<Stage>("idle");
  const [message, setMessage] = useState("");
  /** An upload not attached yet when the page stopped checking (its key and file name): "Check again" looks for it. */
  const [processing, setProcessing] = useState<Upload>();
  const input = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );
  // Focus moves once the render is done: the input is disabled while an upload is under way.
  const [focus, setFocus] = useState<{ to: "input" | "heading" }>();
  useEffect(() => {
    if (focus) (focus.to === "input" ? input : heading).current?.focus();
  }, [focus]);

  const attached = current.data;
  const busy = stage !== "idle";

  function refuse(problem: string) {
    setError(problem);
    setMessage("");
    setFocus({ to: "input" });
  }

  function choose(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0];
    setFile(chosen);
    setMessage("");
    setError(chosen && agreementFileProblem(chosen));
  }

  /** Looks for the upload as the attached agreement a few times, then says it is still being processed. */
  async function waitUntilAttached(uploaded: Upload, delays: number[]) {
    setStage("checking");
    for (const delay of delays) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (!alive.current) return;
      if ((await attachedAgreement(auctionId).catch(() => undefined))?.key === uploaded.key) {
        if (!alive.current) return;
        setProcessing(undefined);
        setFile(undefined);
        if (input.current) input.current.value = "";
        setStage("idle");
        setMessage(`Listing agreement attached: ${uploaded.name}.`);
        current.reload();
        setFocus({ to: "heading" });
        return;
      }
    }
    if (!alive.current) return;
    setProcessing(uploaded);
    setStage("idle");
    setMessage(`Uploaded ${uploaded.name}. It is being processed and will show here shortly; check again in a minute.`);
  }

  async function upload(event: FormEvent) {
    event.preventDefault();
    if (!file) return refuse("Choose the signed agreement first: a PDF, PNG or JPEG file.");
    const problem = agreementFileProblem(file);
    if (problem) return refuse(problem);
    setError(undefined);
    setProcessing(undefined);
    setStage("preparing");
    setMessage(`Preparing to upload ${file.name}…`);
    let key: string;
    try {
      key = await uploadAgreement(auctionId, file, () => {
        if (!alive.current) return;
        setStage("sending");
        setMessage(`Uploading ${file.name} (${formatBytes(file.size)})…`);
      });
    } catch (e) {
      if (!alive.current) return;
      setStage("idle");
      // what is attached may have changed all the same (an upload URL used from elsewhere first)
      current.reload();
      return refuse(refusal(e));
    }
    if (!alive.current) return;
    setMessage(`Uploaded ${file.name}. Waiting for it to be attached…`);
    await waitUntilAttached({ key, name: file.name }, CHECK_DELAYS_MS);
  }

  return (
    <section className="card agreement" aria-labelledby="agreement-title">
      <h2 id="agreement-title" ref={heading} tabIndex={-1}>
        Listing agreement
      </h2>
      {current.loading && current.data === undefined && !current.error ? (
        <Loading label="Looking for the agreement…" />
      ) : current.error !== undefined ? (
        <ErrorBox error={current.error} retry={current.reload} />
      ) : attached ? (
        <AttachedLine auctionId={auctionId} contentType={attached.contentType} size={attached.size} />
      ) : (
        <p className="muted" data-testid="agreement-state">
          {canUpload ? "No signed agreement is attached yet." : "The seller has not attached a signed agreement."}
        </p>
      )}
      {canUpload && (
        <form className="form agreement__form" onSubmit={upload} noValidate>
          <div className={`field${error ? " field--invalid" : ""}`}>
            <label htmlFor="agreement-file">{attached ? "Replace it with another file" : "Signed agreement"}</label>
            <input
              ref={input}
              id="agreement-file"
              name="agreement"
              type="file"
              accept={ACCEPT}
              disabled={busy}
              aria-invalid={!!error}
              aria-describedby="agreement-file-hint agreement-file-error"
              onChange={choose}
            />
            <p id="agreement-file-hint" className="field-hint">
              A PDF, PNG or JPEG file of at most {formatBytes(AGREEMENT_MAX_BYTES)}.
            </p>
            <p id="agreement-file-error" className="field-error" role="alert">
              {error}
            </p>
          </div>
          <div className="actions actions--row">
            <button type="submit" className="button" disabled={busy}>
              {busy ? BUSY_LABELS[stage] : attached ? "Replace agreement" : "Upload agreement"}
            </button>
            {processing && !busy && (
              <button type="button" className="button button--ghost" onClick={() => waitUntilAttached(processing, [0])}>
                Check again
              </button>
            )}
          </div>
          {busy && <progress className="agreement__progress" aria-label={BUSY_LABELS[stage]} />}
        </form>
      )}
      <p role="status" className="console-message" data-testid="agreement-status">
        {message}
      </p>
    </section>
  );
}

/** "Attached (PDF, 14 KB)" and a download: the API wants the bearer token, which a plain link cannot send. */
function AttachedLine({ auctionId, contentType, size }: { auctionId: string; contentType: string; size?: number }) {
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function download() {
    setProblem(undefined);
    setBusy(true);
    try {
      await downloadAgreement(auctionId);
    } catch (e) {
      setProblem(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  const label = typeLabel(contentType);
  return (
    <>
      <p data-testid="agreement-state">
        <strong>Attached</strong>{" "}
        <span className="muted">
          ({label}
          {size !== undefined ? `, ${formatBytes(size)}` : ""})
        </span>
      </p>
      <button type="button" className="button button--ghost" disabled={busy} onClick={download}>
        {busy ? "Downloading…" : `Download agreement (${label})`}
      </button>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}
