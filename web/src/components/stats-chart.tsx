/** A small inline SVG bar chart of orders (and failures, stacked on top) per minute. */
export function PerMinuteChart({ data }: { data: Array<{ minute: string; orders: number; failed: number }> }) {
  const width = 600;
  const height = 120;
  const pad = 18;
  const max = Math.max(1, ...data.map((d) => d.orders + d.failed));
  const slot = (width - pad) / Math.max(1, data.length);
  const bar = Math.max(2, slot - 3);
  const scale = (n: number) => (n / max) * (height - pad);
  const time = (iso: string | undefined) =>
    iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
  const total = data.reduce((sum, d) => sum + d.orders, 0);
  const failed = data.reduce((sum, d) => sum + d.failed, 0);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${width} ${height + 14}`}
        role="img"
        aria-label={`Orders per minute over the last ${data.length} minutes: ${total} orders, ${failed} failed, at most ${max} in one minute`}
        className="chart__svg"
      >
        <line x1={pad} x2={width} y1={height} y2={height} className="chart__axis" />
        <text x={0} y={10} className="chart__label">
          {max}
        </text>
        <text x={0} y={height} className="chart__label">
          0
        </text>
        {data.map((d, i) => {
          const x = pad + i * slot;
          const ok = scale(d.orders);
          const bad = scale(d.failed);
          return (
            <g key={d.minute}>
              <title>{`${time(d.minute)}: ${d.orders} orders, ${d.failed} failed`}</title>
              <rect x={x} y={height - ok} width={bar} height={ok} className="chart__bar" />
              {d.failed > 0 && (
                <rect x={x} y={height - ok - bad} width={bar} height={bad} className="chart__bar chart__bar--failed" />
              )}
            </g>
          );
        })}
        <text x={pad} y={height + 13} className="chart__label">
          {time(data[0]?.minute)}
        </text>
        <text x={width} y={height + 13} textAnchor="end" className="chart__label">
          {time(data.at(-1)?.minute)}
        </text>
      </svg>
      <figcaption className="muted">
        <span className="chart__key chart__key--orders" aria-hidden="true" /> orders{" "}
        <span className="chart__key chart__key--failed" aria-hidden="true" /> failed — per minute, refreshed every 5 s
      </figcaption>
    </figure>
  );
}
