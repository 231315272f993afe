interface Palette {
  sponge: string;
  frosting: string;
  filling: string;
  topping: "cherry" | "berry" | "lemon" | "candles" | "walnut" | "sprinkles" | "none";
  plate: string;
}

const PALETTES: Array<[RegExp, Palette]> = [
  [
    /chocolate|fudge/,
    { sponge: "#5b3320", frosting: "#3d2014", filling: "#8a5a3b", topping: "sprinkles", plate: "#f1e4d3" },
  ],
  [/lemon|citron/, { sponge: "#f3d98b", frosting: "#fff4c2", filling: "#f0c23b", topping: "lemon", plate: "#e9efe4" }],
  [/velvet/, { sponge: "#a8323a", frosting: "#fbf3ea", filling: "#fbf3ea", topping: "berry", plate: "#f4e1e1" }],
  [/carrot/, { sponge: "#c9772f", frosting: "#fbf1e3", filling: "#f6e7d0", topping: "walnut", plate: "#efe6da" }],
  [/cheesecake/, { sponge: "#f6e7c1", frosting: "#fdf7e6", filling: "#c98d4b", topping: "berry", plate: "#e8e1f0" }],
  [
    /forest|gateau/,
    { sponge: "#3e2318", frosting: "#f8f1ea", filling: "#9b1f32", topping: "cherry", plate: "#ece3dc" },
  ],
  [
    /victoria|sponge/,
    { sponge: "#e9c27a", frosting: "#fdfaf3", filling: "#c2324a", topping: "berry", plate: "#f5e7ec" },
  ],
  [
    /strawberry|shortcake/,
    { sponge: "#f2d49a", frosting: "#fff8f4", filling: "#e05a6d", topping: "berry", plate: "#fde8ea" },
  ],
  [
    /cupcake|birthday/,
    { sponge: "#e7b77a", frosting: "#f7b8d2", filling: "#f7b8d2", topping: "candles", plate: "#e3eef6" },
  ],
];

function paletteFor(id: string): Palette {
  for (const [pattern, palette] of PALETTES) if (pattern.test(id)) return palette;
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const hue = hash % 360;
  return {
    sponge: `hsl(${hue} 45% 62%)`,
    frosting: `hsl(${hue} 60% 92%)`,
    filling: `hsl(${(hue + 40) % 360} 55% 55%)`,
    topping: "sprinkles",
    plate: `hsl(${hue} 30% 92%)`,
  };
}

function Topping({ kind }: { kind: Palette["topping"] }) {
  switch (kind) {
    case "cherry":
      return (
        <g>
          {[70, 100, 130].map((x) => (
            <g key={x}>
              <path d={`M${x} 58 q4 -14 12 -18`} stroke="#3d6b2c" strokeWidth="2" fill="none" />
              <circle cx={x} cy={60} r={7} fill="#a3152a" />
            </g>
          ))}
        </g>
      );
    case "berry":
      return (
        <g>
          {[65, 88, 112, 135].map((x) => (
            <path key={x} d={`M${x} 52 q8 0 8 8 q-8 10 -8 10 q0 0 -8 -10 q0 -8 8 -8z`} fill="#d33a4c" />
          ))}
        </g>
      );
    case "lemon":
      return (
        <g>
          {[75, 100, 125].map((x) => (
            <g key={x}>
              <circle cx={x} cy={60} r={9} fill="#f5d020" />
              <circle cx={x} cy={60} r={6} fill="#fff3a6" />
            </g>
          ))}
        </g>
      );
    case "candles":
      return (
        <g>
          {[80, 100, 120].map((x, i) => (
            <g key={x}>
              <rect x={x - 3} y={36} width={6} height={24} rx={2} fill={["#7fb4e0", "#f2a65a", "#9ed39b"][i]} />
              <path d={`M${x} 26 q5 6 0 10 q-5 -4 0 -10z`} fill="#f5b324" />
            </g>
          ))}
        </g>
      );
    case "walnut":
      return (
        <g>
          {[70, 100, 130].map((x) => (
            <ellipse key={x} cx={x} cy={62} rx={8} ry={5} fill="#8b5a2b" />
          ))}
        </g>
      );
    case "sprinkles":
      return (
        <g>
          {[62, 78, 92, 108, 122, 138].map((x, i) => (
            <rect
              key={x}
              x={x}
              y={60 + (i % 2) * 4}
              width={8}
              height={3}
              rx={1.5}
              fill={["#f7c6d9", "#f6e27f", "#9fd5c9"][i % 3]}
              transform={`rotate(${i * 37} ${x + 4} ${62})`}
            />
          ))}
        </g>
      );
    default:
      return null;
  }
}

/** A generated illustration of a cake, coloured after the product so every cake looks its own. */
export function CakeArt({ id, size = "card" }: { id: string; size?: "card" | "large" | "thumb" }) {
  const p = paletteFor(id);
  return (
    <svg className={`cake-art cake-art--${size}`} viewBox="0 0 200 160" role="img" aria-hidden="true" focusable="false">
      <rect width="200" height="160" fill={p.plate} />
      <ellipse cx="100" cy="136" rx="82" ry="12" fill="#ffffff" opacity="0.9" />
      <ellipse cx="100" cy="134" rx="70" ry="8" fill="#000" opacity="0.06" />
      <path d="M40 70 v54 q60 18 120 0 v-54z" fill={p.sponge} />
      <path d="M40 96 q60 14 120 0 v6 q-60 14 -120 0z" fill={p.filling} />
      <ellipse cx="100" cy="70" rx="60" ry="14" fill={p.frosting} />
      <path
        d="M40 70 q0 12 6 12 q6 0 6 -6 q0 14 8 14 q8 0 8 -10 q0 8 8 8 q8 0 8 -6 q0 12 8 12 q8 0 8 -10 q0 6 8 6 q8 0 8 -10 q0 14 8 14 q8 0 8 -12 q0 6 6 6 q6 0 6 -8z"
        fill={p.frosting}
      />
      <Topping kind={p.topping} />
    </svg>
  );
}
