// Positions for the graph, computed once per answer in O(n): documents sit in discs, one per
// subcategory, packed inside a disc per category; the category discs are packed in the plane.
// Deterministic (the same tree gives the same picture), so a page that reloads after a change
// keeps its shape. No physics: 10,000 documents are placed in a few milliseconds.
"use strict";

const AtomdocLayout = (() => {
  const GOLDEN = Math.PI * (3 - Math.sqrt(5));
  const SPACING = 1;

  // Sunflower positions for n points in a disc; returns the disc's radius.
  function sunflower(n) {
    const points = [];
    for (let i = 0; i < n; i++) {
      const r = SPACING * Math.sqrt(i + 0.5);
      points.push([r * Math.cos(i * GOLDEN), r * Math.sin(i * GOLDEN)]);
    }
    return { points, radius: SPACING * Math.sqrt(n + 0.5) + SPACING };
  }

  // Greedy circle packing: biggest first, each at the first free place along a spiral out of
  // the centre. Circles: [{r}] → sets x, y; returns the enclosing radius.
  function pack(circles, gap) {
    const order = circles.map((c, i) => i).sort((a, b) => circles[b].r - circles[a].r || a - b);
    const placed = [];
    let outer = 0;
    for (const i of order) {
      const c = circles[i];
      if (placed.length === 0) {
        c.x = 0;
        c.y = 0;
      } else {
        const step = Math.max(c.r, gap) / 2;
        for (let t = 0; ; t++) {
          const angle = t * 0.5;
          const dist = step * angle / Math.PI;
          const x = dist * Math.cos(angle), y = dist * Math.sin(angle);
          if (placed.every((p) => Math.hypot(p.x - x, p.y - y) >= p.r + c.r + gap)) {
            c.x = x;
            c.y = y;
            break;
          }
        }
      }
      placed.push(c);
      outer = Math.max(outer, Math.hypot(c.x, c.y) + c.r);
    }
    return outer;
  }

  // nodes: [{id, kind, category, subcategory, documents}], edges: {n, source, target} (typed
  // arrays of node indices). Returns Map id → {x, y}.
  function clustered(nodes, edges) {
    const pos = new Map();
    const groups = new Map(); // category → Map(subcategory → [node])
    const loose = [];
    for (const n of nodes) {
      if (n.kind === "broken") { loose.push(n); continue; }
      const cat = n.category ?? "";
      const sub = n.kind === "document" ? (n.subcategory ?? "") : n.id;
      if (!groups.has(cat)) groups.set(cat, new Map());
      const subs = groups.get(cat);
      if (!subs.has(sub)) subs.set(sub, []);
      subs.get(sub).push(n);
    }
    const cats = [];
    for (const [cat, subs] of [...groups].sort()) {
      const discs = [];
      for (const [, members] of [...subs].sort()) {
        const weight = (n) => (n.kind === "document" ? 1 : Math.max(1, n.documents));
        if (members.length === 1 && members[0].kind !== "document") {
          discs.push({ members, points: [[0, 0]], r: 2 * Math.sqrt(weight(members[0])) });
        } else {
          const f = sunflower(members.length);
          discs.push({ members, points: f.points, r: f.radius });
        }
      }
      const r = pack(discs, SPACING * 1.5) + SPACING * 2;
      cats.push({ discs, r });
    }
    pack(cats, SPACING * 3);
    for (const c of cats) {
      for (const d of c.discs) {
        d.members.forEach((n, i) => {
          pos.set(n.id, { x: c.x + d.x + d.points[i][0], y: c.y + d.y + d.points[i][1] });
        });
      }
    }
    // A broken link's placeholder sits next to the first document linking to it.
    const from = new Map();
    for (let i = 0; i < edges.n; i++) {
      const t = nodes[edges.target[i]].id;
      if (!from.has(t)) from.set(t, nodes[edges.source[i]].id);
    }
    loose.forEach((n, i) => {
      const p = pos.get(from.get(n.id)) ?? { x: 0, y: 0 };
      const a = i * GOLDEN;
      pos.set(n.id, { x: p.x + 0.8 * Math.cos(a), y: p.y + 0.8 * Math.sin(a) });
    });
    return pos;
  }

  // Rings around the focus: distance d (either link direction) on ring d.
  function rings(nodes, edges, focus) {
    const next = new Map(nodes.map((n) => [n.id, []]));
    for (let i = 0; i < edges.n; i++) {
      const s = nodes[edges.source[i]].id, t = nodes[edges.target[i]].id;
      next.get(s).push(t);
      next.get(t).push(s);
    }
    const dist = new Map();
    const queue = focus.filter((f) => next.has(f));
    queue.forEach((f) => dist.set(f, 0));
    for (let i = 0; i < queue.length; i++) {
      for (const m of next.get(queue[i])) {
        if (!dist.has(m)) { dist.set(m, dist.get(queue[i]) + 1); queue.push(m); }
      }
    }
    const byRing = new Map();
    for (const n of nodes) {
      const d = dist.get(n.id) ?? 1 + Math.max(0, ...dist.values());
      if (!byRing.has(d)) byRing.set(d, []);
      byRing.get(d).push(n.id);
    }
    const pos = new Map();
    for (const [d, ids] of byRing) {
      ids.forEach((id, i) => {
        const a = (2 * Math.PI * i) / ids.length + d * 0.7;
        const r = d === 0 && ids.length === 1 ? 0 : 4 * d + 2;
        pos.set(id, { x: r * Math.cos(a), y: r * Math.sin(a) });
      });
    }
    return pos;
  }

  return { clustered, rings };
})();
