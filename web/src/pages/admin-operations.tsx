import { useEffect, useState } from "react";
import { call, type DeadLetter, errorMessage } from "../api/client";
import { PerMinuteChart } from "../components/stats-chart";
import { Empty, ErrorBox, Loading, PageTitle, useLoad } from "../components/status";
import { Link } from "../router";

export function AdminOperations() {
  const queues = useLoad(async () => (await call("get", "/admin/queues")).queues, []);
  const dead = useLoad(async () => (await call("get", "/admin/dead-letters")).items, []);
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const stats = useLoad(() => call("get", "/admin/stats"), []);
  const { reload: reloadQueues } = queues;
  const { reload: reloadStats } = stats;
  const { reload: reloadDead } = dead;
  useEffect(() => {
    const timer = setInterval(() => {
      reloadQueues();
      reloadStats();
      reloadDead();
    }, 5000);
    return () => clearInterval(timer);
  }, [reloadQueues, reloadStats, reloadDead]);

  async function redrive(letter: DeadLetter) {
    const key = `${letter.subscription}-${letter.event.id}`;
    setBusy(key);
    try {
      await call("post", "/admin/dead-letters/redrive", {
        body: { subscription: letter.subscription, eventId: letter.event.id },
      });
      setMessage(`Redriven: ${letter.event.type} for ${letter.event.key} on ${letter.subscription}.`);
      dead.reload();
      queues.reload();
    } catch (e) {
      setMessage(errorMessage(e));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <>
      <PageTitle>Operations</PageTitle>
      <section aria-labelledby="figures-title">
        <h2 id="figures-title">Live figures</h2>
        {stats.loading && !stats.data && <Loading />}
        {stats.error !== undefined && !stats.data && <ErrorBox error={stats.error} retry={stats.reload} />}
        {stats.data && (
          <div className="card figures">
            <dl className="figures__list">
              <div>
                <dt>Orders in the last minute</dt>
                <dd data-figure="orders-last-minute">{stats.data.ordersLastMinute}</dd>
              </div>
              <div>
                <dt>Orders in the last 30 minutes</dt>
                <dd data-figure="orders-last-30">{stats.data.ordersLast30Minutes}</dd>
              </div>
              <div>
                <dt>Failed in the last 30 minutes</dt>
                <dd data-figure="failed-last-30" className={stats.data.failedLast30Minutes ? "warn" : undefined}>
                  {stats.data.failedLast30Minutes}
                </dd>
              </div>
            </dl>
            <PerMinuteChart data={stats.data.perMinute} />
          </div>
        )}
      </section>
      <section aria-labelledby="queues-title">
        <h2 id="queues-title">Queues</h2>
        {queues.loading && !queues.data && <Loading />}
        {queues.error !== undefined && <ErrorBox error={queues.error} retry={queues.reload} />}
        {queues.data && (
          <div className="card table-wrap">
            <table className="table">
              <caption className="visually-hidden">Queue depth per subscription</caption>
              <thead>
                <tr>
                  <th scope="col">Subscription</th>
                  <th scope="col">Ready</th>
                  <th scope="col">In flight</th>
                  <th scope="col">Delayed</th>
                  <th scope="col">Dead letters</th>
                </tr>
              </thead>
              <tbody>
                {queues.data.map((q) => (
                  <tr key={q.subscription}>
                    <th scope="row">{q.subscription}</th>
                    <td>{q.ready}</td>
                    <td>{q.inFlight}</td>
                    <td>{q.delayed}</td>
                    <td className={q.deadLetters ? "warn" : undefined}>{q.deadLetters}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="dead-title">
        <h2 id="dead-title">Dead letters</h2>
        <p role="status" className="console-message">
          {message}
        </p>
        {dead.loading && !dead.data && <Loading />}
        {dead.error !== undefined && <ErrorBox error={dead.error} retry={dead.reload} />}
        {dead.data?.length === 0 && <Empty>No failed deliveries. Everything is flowing.</Empty>}
        {dead.data && dead.data.length > 0 && (
          <ul className="order-cards">
            {dead.data.map((d) => (
              <li key={`${d.subscription}-${d.event.id}`} className="card dead-letter">
                <div className="order-card__head">
                  <strong>
                    {d.event.type} → {d.subscription}
                  </strong>
                  <span className="muted">
                    {d.attempts} attempts · {new Date(d.failedAt).toLocaleString()}
                  </span>
                </div>
                <p>
                  <EventSubject eventKey={d.event.key} />
                </p>
                <pre className="error-text">{d.error}</pre>
                <button
                  type="button"
                  className="button"
                  disabled={busy === `${d.subscription}-${d.event.id}`}
                  onClick={() => redrive(d)}
                >
                  Redrive{" "}
                  <span className="visually-hidden">
                    {d.event.type} on {d.subscription}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** What a dead letter's event is about: an order or an auction (by its id's prefix), linked to its page. */
function EventSubject({ eventKey }: { eventKey: string }) {
  if (eventKey.startsWith("ord_"))
    return (
      <>
        Order <Link href={`/orders/${eventKey}`}>{eventKey}</Link>
      </>
    );
  if (eventKey.startsWith("auc_"))
    return (
      <>
        Auction <Link href={`/auctions/${eventKey}`}>{eventKey}</Link>
      </>
    );
  return <>About {eventKey}</>;
}
