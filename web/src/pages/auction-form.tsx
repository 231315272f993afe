import { type FormEvent, useRef, useState } from "react";
import { ApiError, type Auction, call, errorMessage, toCents, toEuros } from "../api/client";
import { ErrorBox, Loading, PageTitle, useLoad } from "../components/status";
import { Link, useRouter } from "../router";

const FIELDS = [
  { path: "title", label: "Title" },
  { path: "description", label: "Description (optional)", optional: true, multiline: true },
  { path: "startingPrice", label: "Starting price (€)", money: true },
  { path: "reservePrice", label: "Reserve price (€, optional)", optional: true, money: true },
  { path: "buyNowPrice", label: "Buy-now price (€, optional)", optional: true, money: true },
  { path: "startsAt", label: "Starts", datetime: true },
  { path: "endsAt", label: "Ends", datetime: true },
] as const;
type Path = (typeof FIELDS)[number]["path"];
type Values = Record<Path, string>;

/** A Date as the value of an `<input type="datetime-local">`, in local time. */
function localInput(date: Date) {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function initial(a?: Auction): Values {
  const now = new Date();
  return {
    title: a?.title ?? "",
    description: a?.description ?? "",
    startingPrice: toEuros(a?.startingPrice),
    reservePrice: toEuros(a?.reservePrice),
    buyNowPrice: toEuros(a?.buyNowPrice),
    startsAt: localInput(a ? new Date(a.startsAt) : now),
    endsAt: localInput(a ? new Date(a.endsAt) : new Date(now.getTime() + 24 * 3600 * 1000)),
  };
}

function validate(path: Path, value: string): string | undefined {
  const field = FIELDS.find((f) => f.path === path);
  const v = value.trim();
  if (!v) return field && "optional" in field ? undefined : "Please fill this in";
  if (field && "money" in field) {
    const cents = toCents(v);
    if (cents === undefined || cents <= 0) return "Enter an amount in euros, like 12.50";
  }
  if (path === "title" && (v.length < 3 || v.length > 120)) return "Use 3 to 120 characters";
  if (field && "datetime" in field && Number.isNaN(Date.parse(v))) return "Enter a date and time";
  return undefined;
}

export function AuctionCreate() {
  return <AuctionForm />;
}

export function AuctionEdit({ id }: { id: string }) {
  const auction = useLoad(() => call("get", "/auctions/{id}", { params: { id } }), [id]);
  if (auction.loading && !auction.data) return <Loading />;
  if (auction.error !== undefined)
    return (
      <>
        <PageTitle>Edit auction</PageTitle>
        <ErrorBox error={auction.error} retry={auction.reload} />
      </>
    );
  return auction.data ? <AuctionForm existing={auction.data} /> : null;
}

function AuctionForm({ existing }: { existing?: Auction }) {
  const { navigate } = useRouter();
  const [values, setValues] = useState<Values>(() => initial(existing));
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [formError, setFormError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const focusFirst = (found: Partial<Record<string, string>>) => {
    const first = FIELDS.find((f) => found[f.path]);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first.path}"]`)?.focus();
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Partial<Record<string, string>> = {};
    for (const f of FIELDS) {
      const problem = validate(f.path, values[f.path]);
      if (problem) found[f.path] = problem;
    }
    setErrors(found);
    setFormError(undefined);
    if (Object.keys(found).length) return focusFirst(found);
    const money = (p: Path) => (values[p].trim() ? toCents(values[p]) : undefined);
    const body = {
      title: values.title.trim(),
      description: values.description.trim(),
      startingPrice: money("startingPrice") ?? 0,
      ...(money("reservePrice") !== undefined ? { reservePrice: money("reservePrice") } : {}),
      ...(money("buyNowPrice") !== undefined ? { buyNowPrice: money("buyNowPrice") } : {}),
      startsAt: new Date(values.startsAt).toISOString(),
      endsAt: new Date(values.endsAt).toISOString(),
    };
    setBusy(true);
    try {
      const saved = existing
        ? await call("patch", "/auctions/{id}", { params: { id: existing.id }, body })
        : await call("post", "/auctions", { body: { ...body, currency: "EUR" } });
      navigate(`/auctions/${saved.id}`);
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.fields.length > 0) {
        const fromApi: Partial<Record<string, string>> = {};
        const other: string[] = [];
        for (const f of e.fields) {
          if (FIELDS.some((field) => field.path === f.path)) fromApi[f.path] = f.message;
          else other.push(f.message);
        }
        setErrors(fromApi);
        setFormError(other.length ? `${e.message}: ${other.join("; ")}` : e.message);
        focusFirst(fromApi);
      } else setFormError(errorMessage(e));
    }
  }

  const title = existing ? `Edit “${existing.title}”` : "Sell a cake at auction";
  return (
    <>
      {existing && (
        <p className="crumbs">
          <Link href={`/auctions/${existing.id}`}>← Back to the auction</Link>
        </p>
      )}
      <PageTitle title={existing ? "Edit auction" : "Sell"}>{title}</PageTitle>
      <form ref={formRef} className="card form narrow" onSubmit={submit} noValidate>
        {formError && (
          <div className="state state--error" role="alert">
            {formError}
          </div>
        )}
        {FIELDS.map((f) => {
          const error = errors[f.path];
          const props = {
            id: `auction-${f.path}`,
            name: f.path,
            value: values[f.path],
            "aria-invalid": !!error,
            "aria-describedby": `auction-${f.path}-error`,
            onChange: (e: { target: { value: string } }) => {
              const value = e.target.value;
              setValues((old) => ({ ...old, [f.path]: value }));
              if (errors[f.path]) setErrors((old) => ({ ...old, [f.path]: validate(f.path, value) }));
            },
          };
          return (
            <div key={f.path} className={`field${error ? " field--invalid" : ""}`}>
              <label htmlFor={props.id}>{f.label}</label>
              {"multiline" in f ? (
                <textarea {...props} rows={4} />
              ) : (
                <input
                  {...props}
                  type={"datetime" in f ? "datetime-local" : "text"}
                  inputMode={"money" in f ? "decimal" : undefined}
                  required={!("optional" in f)}
                />
              )}
              <p id={`auction-${f.path}-error`} className="field-error">
                {error}
              </p>
            </div>
          );
        })}
        <button type="submit" className="button button--wide" disabled={busy}>
          {busy ? "Saving…" : existing ? "Save changes" : "List the auction"}
        </button>
      </form>
    </>
  );
}
