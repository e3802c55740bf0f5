// atomdoc serve: the page. Everything it shows comes from the JSON API; every text from a
// document is set with textContent (or is HTML atomdoc cleaned with ammonia), never parsed.
// The view lives in the URL's fragment (#level=…&doc=…&q=…), so every view can be shared
// and reloaded.
"use strict";

(() => {
  const EDGE_STYLE = {
    related: { color: "#555555", size: 1.6 },
    inline: { color: "#b8b8b8", size: 0.8 },
    include: { color: "#8e6cc0", size: 1.2 },
    links: { color: "#777777", size: 1.5 },
  };
  const GROUP_COLOURS = ["#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#a65628"];
  const NO_CATEGORY = "#cccccc";
  const DIM = "#eeeeee";

  // ---- helpers -------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(node.dataset, v);
      else if (k === "css") Object.assign(node.style, v); // CSSOM: allowed by the CSP, unlike style=""
      else node.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
    return node;
  }
  // Replaces the children of `box` (null and undefined skipped).
  const fill = (box, ...children) => box.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  async function api(path, params) {
    const url = new URL(path, location.origin);
    for (const [k, v] of Object.entries(params || {})) if (v !== undefined && v !== "") url.searchParams.set(k, v);
    const response = await fetch(url, { headers: { accept: "application/json" } });
    const body = await response.json().catch(() => ({ error: response.statusText }));
    if (!response.ok) throw Object.assign(new Error(body.error || response.statusText), { body });
    return body;
  }

  // ---- state in the URL ----------------------------------------------------------------
  const DEFAULTS = { level: "doc", doc: "", local: "", depth: "1", tab: "doc", q: "", s: "",
    hide: "", edges: "", kinds: "related,inline,include", dk: "topic,index,meta", orphans: "", broken: "", groups: "" };
  let state = readHash();
  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    const s = { ...DEFAULTS };
    for (const k of Object.keys(DEFAULTS)) if (p.has(k)) s[k] = p.get(k);
    return s;
  }
  function writeHash(push) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(state)) if (v !== DEFAULTS[k]) p.set(k, v);
    const hash = "#" + p.toString();
    if (hash === location.hash || (hash === "#" && !location.hash)) return;
    if (push) history.pushState(null, "", hash); else history.replaceState(null, "", hash);
  }
  const set = (changes, push) => { Object.assign(state, changes); writeHash(push); };
  const list = (v) => (v ? v.split(",").filter(Boolean) : []);

  // ---- the graph -----------------------------------------------------------------------
  // The page keeps two things: the answer's edges as typed arrays (every edge, for counts,
  // neighbourhoods and highlights) and the graphology graph sigma draws, which has every node
  // but only the edges worth drawing. Up to EDGE_BUDGET edges that is all of them; above it
  // (a 10,000-document tree has ~90,000 — a grey fog on screen that software WebGL draws in
  // seconds) it is the edges of the selected document and of the query's sub-graph and, once
  // zoomed in past ZOOM_EDGES, those between nodes on screen (at most SCREEN_EDGES), unless
  // "every edge" is ticked.
  const EDGE_BUDGET = 15000;
  const ZOOM_EDGES = 0.35, SCREEN_EDGES = 4000;
  const KINDS = ["related", "inline", "include", "links"];
  const graph = new graphology.MultiDirectedGraph();
  let renderer = null;
  let marks = null;
  let drawing = null; // the last /api/graph answer
  let edges = { n: 0 }; // {n, source, target, kind, broken, count}: typed arrays of node indices
  let indexOf = new Map(); // node id → index in drawing.nodes
  let generation = 0;
  let highlight = null; // {nodes: Set, edges: Set} from the query
  let groupOf = new Map(); // node → colour-group colour
  let neighbours = new Set();
  let brokenColour = "#cc0000";
  let scale = 1; // nodes and edges shrink as the picture fills (the layout spaces nodes one unit apart)

  // Edges as [source, target, kind, broken, count] (node indices) → typed arrays.
  function edgeArrays(list) {
    const n = list.length;
    const out = { n, source: new Int32Array(n), target: new Int32Array(n), kind: new Uint8Array(n),
      broken: new Uint8Array(n), count: new Int32Array(n) };
    for (let i = 0; i < n; i++) {
      const [s, t, kind, broken, count] = list[i];
      out.source[i] = s; out.target[i] = t; out.kind[i] = Math.max(0, KINDS.indexOf(kind));
      out.broken[i] = broken ? 1 : 0; out.count[i] = count;
    }
    return out;
  }
  const drawsEvery = () => edges.n <= EDGE_BUDGET || state.edges === "all";

  // Which nodes are on screen (1) when the camera is zoomed in past ZOOM_EDGES, else null.
  function onScreen() {
    if (!renderer || renderer.getCamera().ratio > ZOOM_EDGES) return null;
    const box = $("graph"), w = box.clientWidth, h = box.clientHeight;
    const on = new Uint8Array(drawing.nodes.length);
    drawing.nodes.forEach((n, i) => {
      const d = renderer.getNodeDisplayData(n.id);
      if (!d) return;
      const p = renderer.framedGraphToViewport(d);
      on[i] = p.x >= 0 && p.y >= 0 && p.x <= w && p.y <= h ? 1 : 0;
    });
    return on;
  }

  // Puts the edges worth drawing into the graph (see above).
  function syncEdges() {
    const ids = drawing.nodes;
    let want = null;
    if (!drawsEvery()) {
      want = [];
      const doc = state.doc && !state.local ? indexOf.get(state.doc) : undefined;
      const pairs = highlight ? highlight.edges : null;
      const on = onScreen();
      for (let i = 0; i < edges.n; i++) {
        const s = edges.source[i], t = edges.target[i];
        if (s === doc || t === doc || (pairs && pairs.has(`${ids[s].id}\u0000${ids[t].id}`))) want.push(i);
        else if (on && on[s] && on[t] && want.length < SCREEN_EDGES) want.push(i);
      }
      if (graph.size === want.length && want.every((i) => graph.hasEdge(i))) return;
    } else if (graph.size === edges.n) {
      return;
    }
    graph.clearEdges();
    const add = (i) => {
      const kind = KINDS[edges.kind[i]], count = edges.count[i];
      const style = EDGE_STYLE[kind] || EDGE_STYLE.links;
      graph.addEdgeWithKey(i, ids[edges.source[i]].id, ids[edges.target[i]].id, {
        type: "arrow",
        color: edges.broken[i] ? brokenColour : style.color,
        size: kind === "links" ? Math.min(6, 1 + Math.log2(count)) : Math.max(0.5, style.size * scale),
        kind,
      });
    };
    if (want) want.forEach(add); else for (let i = 0; i < edges.n; i++) add(i);
  }

  async function loadGraph() {
    const local = state.local && state.doc;
    const params = { level: local ? "doc" : state.level };
    if (local) { params.around = state.doc; params.depth = state.depth; }
    let answer;
    try {
      answer = await api("/api/graph", params);
    } catch (e) {
      if (local) { set({ local: "" }); return loadGraph(); }
      throw e;
    }
    drawing = answer;
    edges = edgeArrays(answer.edges);
    delete answer.edges;
    indexOf = new Map(answer.nodes.map((n, i) => [n.id, i]));
    generation = Math.max(generation, answer.generation);
    brokenColour = answer.broken_colour || brokenColour;
    const positions = local
      ? AtomdocLayout.rings(answer.nodes, edges, answer.nodes.filter((n) => n.focus).map((n) => n.id))
      : AtomdocLayout.clustered(answer.nodes, edges);
    const old = new Map();
    graph.forEachNode((id, a) => old.set(id, a));
    graph.clear();
    scale = Math.min(1, Math.sqrt(400 / Math.max(1, answer.nodes.length)));
    for (const n of answer.nodes) {
      // A node that was there keeps its place (a live change does not move the picture).
      const p = (!local && old.get(n.id)) || positions.get(n.id) || { x: 0, y: 0 };
      const size = n.kind === "document"
        ? 3 + 1.6 * Math.sqrt(n.inlinks || 0)
        : n.kind === "broken" ? 2.5 : 4 + 2 * Math.sqrt(n.documents || 1);
      graph.addNode(n.id, {
        x: p.x, y: p.y, size: Math.max(1.5, size * scale),
        label: n.kind === "document" || n.kind === "broken" ? n.label : n.label.split("\n")[0],
        color: n.kind === "broken" ? brokenColour : n.colour || NO_CATEGORY,
        info: n,
      });
    }
    updateNeighbours();
    syncEdges();
    renderFilters();
    showStatus();
    if (!renderer) {
      startRenderer();
      // First paint: the frame after sigma's first render of every node (bench: serve_bench).
      if (!window.atomdoc.firstPaint) requestAnimationFrame(() => { window.atomdoc.firstPaint = performance.now(); });
    } else if (local || old.size === 0) {
      renderer.getCamera().animatedReset({ duration: 0 });
    }
  }

  function startRenderer() {
    renderer = new Sigma(graph, $("graph"), {
      defaultEdgeType: "arrow",
      renderEdgeLabels: false,
      hideEdgesOnMove: edges.n > 2000,
      renderLabels: false, // drawn by drawMarks, without overlaps
      zIndex: true,
      nodeReducer,
      edgeReducer,
    });
    marks = el("canvas", { class: "marks" });
    $("graph").append(marks);
    renderer.on("afterRender", drawMarks);
    let settle = null; // zooming in or out draws or drops the edges on screen, once it stops
    renderer.getCamera().on("updated", () => {
      clearTimeout(settle);
      if (!drawsEvery()) settle = setTimeout(() => { syncEdges(); showStatus(); }, 200);
    });
    drawMarks(); // sigma drew its first frame in its constructor
    renderer.on("clickNode", ({ node }) => {
      const info = graph.getNodeAttribute(node, "info");
      if (info.kind === "document") selectDoc(info.id, true);
    });
    renderer.on("enterNode", () => { $("graph").style.cursor = "pointer"; });
    renderer.on("leaveNode", () => { $("graph").style.cursor = ""; });
  }

  // The filters as sets, made again only when they change (the reducers run per node and
  // per edge on every frame).
  let filterCache = null;
  function filters() {
    const key = [state.hide, state.dk, state.kinds].join("|");
    if (!filterCache || filterCache.key !== key) {
      filterCache = { key, hide: new Set(list(state.hide)), dk: new Set(list(state.dk)), kinds: new Set(list(state.kinds)) };
    }
    return filterCache;
  }

  function visible(id, a) {
    const n = a.info;
    const f = filters();
    if (n.kind === "document") {
      if (f.hide.has(n.category ?? "")) return false;
      if (!f.dk.has(n.doc_kind)) return false;
      if (state.orphans && !n.orphan) return false;
      if (state.broken && !(n.broken_count > 0)) return false;
    } else if (n.kind === "broken") {
      if (state.orphans) return false;
    } else if (f.hide.has(n.category ?? "")) {
      return false;
    }
    return true;
  }

  function nodeReducer(id, a) {
    const out = { ...a };
    if (!visible(id, a)) { out.hidden = true; return out; }
    if (groupOf.has(id)) out.color = groupOf.get(id);
    const focus = highlight ? highlight.nodes : state.doc && !state.local ? neighbours : null;
    if (focus && !focus.has(id)) { out.color = DIM; out.label = ""; out.zIndex = 0; }
    else if (focus) { out.zIndex = 1; out.forceLabel = focus.size <= 60; }
    if (id === state.doc) { out.highlighted = true; out.forceLabel = true; out.zIndex = 2; }
    return out;
  }

  function edgeReducer(id, a) {
    const out = { ...a };
    if (a.kind !== "links" && !filters().kinds.has(a.kind)) { out.hidden = true; return out; }
    const [s, t] = graph.extremities(id);
    if (!visible(s, graph.getNodeAttributes(s)) || !visible(t, graph.getNodeAttributes(t))) {
      out.hidden = true;
      return out;
    }
    if (highlight) {
      if (highlight.edges.has(`${s}\u0000${t}`)) { out.color = "#d4a000"; out.size = Math.max(2, a.size); out.zIndex = 1; }
      else out.color = DIM;
    } else if (state.doc && !state.local) {
      if (s === state.doc || t === state.doc) { out.zIndex = 1; out.size = Math.max(1.5, a.size); }
      else out.color = DIM;
    }
    return out;
  }

  // Rings and labels on a 2D canvas over the WebGL one, after every frame. Rings: dashed grey
  // for an orphan, red for a document with broken links (the DOT export marks them the same
  // way). Labels: the selected node's place first (sigma draws its label), then the forced
  // ones (a selection's neighbours), then the biggest nodes, each only where it overlaps no
  // label already placed (sigma's own label grid lets long titles overlap).
  const LABEL_SIZE = 13, LABEL_FONT = `${LABEL_SIZE}px Arial, sans-serif`, MAX_LABELS = 400;
  const labelWidths = new Map();
  function drawMarks() {
    const box = $("graph");
    const ratio = window.devicePixelRatio || 1;
    if (marks.width !== box.clientWidth * ratio || marks.height !== box.clientHeight * ratio) {
      marks.width = box.clientWidth * ratio;
      marks.height = box.clientHeight * ratio;
    }
    const ctx = marks.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, box.clientWidth, box.clientHeight);
    const w = box.clientWidth, h = box.clientHeight;
    const labels = [];
    graph.forEachNode((id, a) => {
      const d = renderer.getNodeDisplayData(id);
      if (!d || d.hidden) return;
      const p = renderer.framedGraphToViewport(d);
      const r = renderer.scaleSize(d.size);
      if (p.x < -r - 300 || p.y < -r - LABEL_SIZE || p.x > w + r || p.y > h + r + LABEL_SIZE) return;
      if (d.label) labels.push({ text: d.label, x: p.x + r + 3, y: p.y, rank: (d.highlighted ? 2e6 : d.forceLabel ? 1e6 : 0) + r });
      const n = a.info;
      if (n.kind !== "document" || !(n.orphan || n.broken_count > 0)) return;
      // Rings only where nodes are big enough to tell them apart (zoom in on a crowded tree).
      if (r < 3 || p.x < -r || p.y < -r || p.x > w + r || p.y > h + r) return;
      ctx.beginPath();
      ctx.arc(p.x, p.y, r + 2, 0, 2 * Math.PI);
      ctx.lineWidth = 1.5;
      if (n.broken_count > 0) { ctx.setLineDash([]); ctx.strokeStyle = brokenColour; }
      else { ctx.setLineDash([3, 2]); ctx.strokeStyle = "#777"; }
      ctx.stroke();
    });
    labels.sort((a, b) => b.rank - a.rank);
    ctx.font = LABEL_FONT;
    ctx.textBaseline = "middle";
    ctx.setLineDash([]);
    ctx.lineWidth = 3;
    ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
    ctx.fillStyle = "#222";
    const CELL = 64;
    const taken = new Map(); // grid cell → boxes placed touching it
    let shown = 0;
    const boxes = [];
    for (const l of labels) {
      if (shown >= MAX_LABELS) break;
      let width = labelWidths.get(l.text);
      if (width === undefined) { width = ctx.measureText(l.text).width; labelWidths.set(l.text, width); }
      const b = { x0: l.x - 2, y0: l.y - LABEL_SIZE / 2 - 2, x1: l.x + width + 2, y1: l.y + LABEL_SIZE / 2 + 2 };
      if (b.x0 < 0 || b.y0 < 0 || b.x1 > w || b.y1 > h) continue; // never cut at the edge
      const cells = [];
      for (let cx = Math.floor(b.x0 / CELL); cx <= Math.floor(b.x1 / CELL); cx++)
        for (let cy = Math.floor(b.y0 / CELL); cy <= Math.floor(b.y1 / CELL); cy++) cells.push(`${cx},${cy}`);
      const overlaps = l.rank < 2e6 && cells.some((c) => (taken.get(c) || []).some((o) =>
        o.x0 < b.x1 && b.x0 < o.x1 && o.y0 < b.y1 && b.y0 < o.y1));
      if (overlaps) continue;
      for (const c of cells) { if (!taken.has(c)) taken.set(c, []); taken.get(c).push(b); }
      if (l.rank >= 2e6) continue; // the selected node: sigma draws its label, boxed
      ctx.strokeText(l.text, l.x, l.y);
      ctx.fillText(l.text, l.x, l.y);
      boxes.push(b);
      shown += 1;
    }
    window.atomdoc.labels = shown;
    window.atomdoc.labelBoxes = boxes;
  }

  function updateNeighbours() {
    neighbours = new Set();
    const doc = indexOf.get(state.doc);
    if (doc === undefined) return;
    neighbours.add(state.doc);
    for (let i = 0; i < edges.n; i++) {
      if (edges.source[i] === doc) neighbours.add(drawing.nodes[edges.target[i]].id);
      else if (edges.target[i] === doc) neighbours.add(drawing.nodes[edges.source[i]].id);
    }
  }

  function renderFilters() {
    const cats = new Map();
    for (const n of drawing.nodes) if (n.kind !== "broken") cats.set(n.category ?? "", n.colour || NO_CATEGORY);
    const hidden = list(state.hide);
    fill($("categories"), ...[...cats].sort().map(([cat, colour]) =>
      el("label", { class: "cat" },
        el("input", { type: "checkbox", checked: !hidden.includes(cat), onchange: (ev) => {
          const h = new Set(list(state.hide));
          if (ev.target.checked) h.delete(cat); else h.add(cat);
          set({ hide: [...h].join(",") });
          renderer.refresh();
        } }),
        el("span", { class: "dot", css: { background: colour } }),
        el("span", { text: cat || "(docs root)" }))));
    const checks = (box, key, names) => fill($(box), ...names.map((k) =>
      el("label", {}, el("input", { type: "checkbox", checked: list(state[key]).includes(k), onchange: (ev) => {
        const s = new Set(list(state[key]));
        if (ev.target.checked) s.add(k); else s.delete(k);
        set({ [key]: [...s].join(",") });
        renderer.refresh();
      } }), ` ${k} links`.replace(/ links$/, key === "kinds" ? " links" : " documents"))));
    checks("edge-kinds", "kinds", ["related", "inline", "include"]);
    checks("doc-kinds", "dk", ["topic", "index", "meta"]);
    $("only-orphans").checked = !!state.orphans;
    $("only-broken").checked = !!state.broken;
    $("all-edges").checked = state.edges === "all";
    $("all-edges").parentElement.hidden = edges.n <= EDGE_BUDGET;
    $("local").checked = !!state.local;
    $("local").disabled = !state.doc;
    $("depth").value = state.depth;
    $("depth-value").textContent = state.depth;
    for (const b of document.querySelectorAll("#levels button")) b.classList.toggle("on", !state.local && b.dataset.level === state.level);
  }

  function showStatus() {
    const docs = drawing.nodes.filter((n) => n.kind === "document");
    const parts = state.local && state.doc
      ? [`${docs.length} documents within ${state.depth} of the selected one`]
      : [`${drawing.documents} documents`, `${edges.n} edges`];
    if (!drawsEvery()) parts.push(`${graph.size} drawn`);
    if (drawing.level === "doc") parts.push(`${docs.filter((n) => n.orphan).length} orphans`);
    $("status").textContent = parts.join(" · ");
  }

  // ---- panels --------------------------------------------------------------------------
  function showTab(tab) {
    set({ tab });
    for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("on", b.dataset.tab === tab);
    for (const t of document.querySelectorAll(".tab")) t.classList.toggle("on", t.id === `tab-${tab}`);
    if (tab === "coverage") loadCoverage();
  }

  function docLink(path, title) {
    if (!title && path && graph.hasNode(path)) title = graph.getNodeAttribute(path, "label");
    return el("a", { href: "#", text: title || path, title: path, onclick: (ev) => { ev.preventDefault(); selectDoc(path, true); } });
  }

  async function selectDoc(path, push) {
    set({ doc: path }, push);
    updateNeighbours();
    if (state.local) await loadGraph();
    else if (renderer) { syncEdges(); renderer.refresh(); }
    renderFilters();
    showTab("doc");
    await loadDoc();
  }

  async function loadDoc() {
    const box = $("tab-doc");
    if (!state.doc) { fill(box, el("p", { class: "hint", text: "Click a node to open its document." })); return; }
    let d;
    try { d = await api("/api/doc", { path: state.doc }); }
    catch (e) { fill(box, el("p", { class: "error", text: e.message })); return; }
    const html = el("div", { class: "doc-html" });
    html.innerHTML = d.html; // cleaned by ammonia on the server
    for (const a of html.querySelectorAll('a[href^="#doc="]')) {
      const target = decodeURIComponent(a.getAttribute("href").slice(5));
      a.addEventListener("click", (ev) => { ev.preventDefault(); selectDoc(target, true); });
    }
    const links = (title, records, render) => {
      if (records.error) return [el("h3", { text: title }), el("p", { class: "error", text: records.error })];
      return [el("h3", { text: `${title} (${records.rows.length})` }),
        records.rows.length ? el("ul", { class: "links" }, records.rows.map(render)) : el("p", { class: "hint", text: "none" })];
    };
    const place = [d.category, d.subcategory].filter(Boolean).join(" / ") || "docs root";
    fill(box, 
      el("h2", { class: "doc-title", text: d.title }),
      el("div", { class: "doc-path", text: d.path }),
      el("div", { class: "badges" },
        el("span", { text: place }), el("span", { text: d.kind }),
        el("span", { text: `${d.inlinks} in · ${d.outlinks} out` }),
        d.orphan ? el("span", { class: "bad", text: "orphan" }) : null,
        d.broken.rows && d.broken.rows.length ? el("span", { class: "bad", text: `${d.broken.rows.length} broken` }) : null),
      ...links("Backlinks", d.backlinks, (r) => el("li", { class: "backlink", dataset: { path: r.source } }, docLink(r.source), ` (${r.kind}, line ${r.line})`)),
      ...links("Links", d.outgoing, (r) => el("li", { dataset: { path: r.resolved } }, docLink(r.resolved), ` (${r.kind}, line ${r.line})`)),
      ...links("Broken links", d.broken, (r) => el("li", {},
        el("code", { text: r.target }), ` line ${r.line}: ${r.reason}`,
        r.suggestions && r.suggestions.length ? el("div", { class: "hint" }, "did you mean ", r.suggestions.flatMap((s, i) => [i ? ", " : "", el("code", { text: s })])) : null)),
      el("h3", { text: "Missing template sections" }),
      d.missing_sections.length ? el("ul", {}, d.missing_sections.map((s) => el("li", { text: s }))) : el("p", { class: "hint", text: "none" }),
      d.findings.length ? el("h3", { text: `Findings (${d.findings.length})` }) : null,
      d.findings.length ? el("ul", {}, d.findings.map((f) => el("li", { text: `${f.code} line ${f.line}: ${f.message}` }))) : null,
      html);
  }

  async function runSearch() {
    const box = $("tab-search");
    showTab("search");
    if (!state.s) { fill(box, ); return; }
    fill(box, el("p", { class: "hint", text: "searching…" }));
    let answer;
    try { answer = await api("/api/search", { q: state.s }); }
    catch (e) { fill(box, el("p", { class: "error", text: e.message })); return; }
    fill(box, 
      el("p", { class: "count", text: `${answer.hits.length} ${answer.hits.length === 1 ? "hit" : "hits"} for ${state.s}` }),
      ...answer.hits.map((h) => el("div", { class: "hit", dataset: { path: h.path } },
        docLink(h.path, h.title),
        el("div", { class: "path", text: h.line ? `${h.path}:${h.line}` : h.path }),
        el("div", {}, h.excerpt.map(([text, hit]) => (hit ? el("mark", { text }) : text))))));
  }

  async function runQuery() {
    const box = $("tab-query");
    showTab("query");
    highlight = null;
    if (!state.q) { fill(box, ); syncEdges(); renderer.refresh(); return; }
    let answer;
    try { answer = await api("/api/query", { q: state.q }); }
    catch (e) {
      const errors = (e.body && e.body.errors) || [];
      fill(box, el("p", { class: "error", text: e.message }),
        ...errors.filter((x) => x.help).map((x) => el("p", { class: "hint", text: x.help })));
      syncEdges();
      renderer.refresh();
      return;
    }
    if (answer.highlight) {
      highlight = { nodes: new Set(answer.highlight.nodes), edges: new Set(answer.highlight.edges.map(([s, t]) => `${s}\u0000${t}`)) };
    }
    syncEdges();
    renderer.refresh();
    const pathOf = (r) => r.path ?? r.resolved ?? r.source;
    const rows = answer.rows.map((r) => el("tr", {
      class: highlight && highlight.nodes.has(pathOf(r)) ? "hl" : null,
      dataset: pathOf(r) ? { path: pathOf(r) } : null,
      onclick: () => { const p = r.path ?? r.source; if (p) selectDoc(p, true); },
    }, answer.columns.map((c) => el("td", { text: cell(r[c]) }))));
    fill(box, 
      el("p", { class: "count", text: answer.total > answer.rows.length ? `${answer.count} (first ${answer.rows.length} shown)` : answer.count }),
      answer.empty_note ? el("p", { class: "hint", text: answer.empty_note }) : null,
      el("table", { id: "query-table" }, el("thead", {}, el("tr", {}, answer.columns.map((c) => el("th", { text: c })))), el("tbody", {}, rows)));
  }
  const cell = (v) => (v === null || v === undefined ? "" : Array.isArray(v) ? v.join(", ") : String(v));

  async function loadCoverage() {
    const box = $("tab-coverage");
    let answer;
    try { answer = await api("/api/coverage"); }
    catch (e) { fill(box, el("p", { class: "error", text: e.message })); return; }
    const cols = ["category", "subcategory", "documents", "passing_pct", "mean_related", "orphans", "broken_links"];
    fill(box, 
      answer.error ? el("p", { class: "error", text: answer.error }) : null,
      el("table", {}, el("thead", {}, el("tr", {}, cols.map((c) => el("th", { text: c.replace("_pct", " %").replace("_", " ") })))),
        el("tbody", {}, answer.rows.map((r) => el("tr", {}, cols.map((c) => el("td", {
          text: c === "category" && r.category === null && r.subcategory === null ? "total" : cell(r[c]) })))))));
  }

  async function loadGroups() {
    groupOf = new Map();
    const lines = state.groups.split("\n").map((l) => l.trim()).filter(Boolean).slice(0, GROUP_COLOURS.length);
    const legend = [];
    for (const [i, q] of lines.entries()) {
      const colour = GROUP_COLOURS[i];
      try {
        const answer = await api("/api/query", { q });
        for (const id of answer.highlight ? answer.highlight.nodes : []) if (!groupOf.has(id)) groupOf.set(id, colour);
        legend.push(el("div", { class: "cat" }, el("span", { class: "dot", css: { background: colour } }), el("span", { text: `${q} (${answer.total})` })));
      } catch (e) {
        legend.push(el("div", { class: "error", text: `${q}: ${e.message}` }));
      }
    }
    fill($("group-legend"), ...legend);
    renderer && renderer.refresh();
  }

  // ---- live ----------------------------------------------------------------------------
  function listen() {
    const events = new EventSource("/api/events");
    const refresh = async (ev) => {
      const g = JSON.parse(ev.data).generation;
      $("status").classList.add("live");
      if (g <= generation) return;
      generation = g;
      await loadGraph();
      if (state.doc) await loadDoc();
      if (state.q) await runQuery();
      if (state.s && state.tab === "search") await runSearch();
      if (state.groups) await loadGroups();
      if (state.tab === "coverage") await loadCoverage();
      window.atomdoc.updates += 1;
    };
    events.addEventListener("hello", refresh);
    events.addEventListener("change", refresh);
    events.onerror = () => $("status").classList.remove("live");
  }

  // ---- wiring --------------------------------------------------------------------------
  function wire() {
    for (const b of document.querySelectorAll("#levels button")) {
      b.addEventListener("click", () => { set({ level: b.dataset.level, local: "" }, true); loadGraph(); });
    }
    for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
    $("search-form").addEventListener("submit", (ev) => { ev.preventDefault(); set({ s: $("search").value.trim() }, true); runSearch(); });
    $("query-form").addEventListener("submit", (ev) => { ev.preventDefault(); set({ q: $("query").value.trim() }, true); runQuery(); });
    $("only-orphans").addEventListener("change", (ev) => { set({ orphans: ev.target.checked ? "1" : "" }); renderer.refresh(); });
    $("only-broken").addEventListener("change", (ev) => { set({ broken: ev.target.checked ? "1" : "" }); renderer.refresh(); });
    $("all-edges").addEventListener("change", (ev) => { set({ edges: ev.target.checked ? "all" : "" }); syncEdges(); showStatus(); });
    $("local").addEventListener("change", (ev) => { set({ local: ev.target.checked ? "1" : "" }, true); loadGraph(); });
    $("depth").addEventListener("input", (ev) => { $("depth-value").textContent = ev.target.value; });
    $("depth").addEventListener("change", (ev) => { set({ depth: ev.target.value }); if (state.local) loadGraph(); });
    let timer = null;
    $("groups").addEventListener("input", (ev) => {
      clearTimeout(timer);
      timer = setTimeout(() => { set({ groups: ev.target.value }); loadGroups(); }, 400);
    });
    $("home").addEventListener("click", (ev) => { ev.preventDefault(); state = { ...DEFAULTS }; writeHash(true); restore(); });
    window.addEventListener("popstate", () => { state = readHash(); restore(); });
  }

  // Shows the view the URL names.
  async function restore() {
    $("search").value = state.s;
    $("query").value = state.q;
    $("groups").value = state.groups;
    await loadGraph();
    showTab(state.tab);
    await Promise.all([loadDoc(), state.s ? runSearch() : null, state.q ? runQuery() : null, state.groups ? loadGroups() : null]);
    showTab(state.tab);
  }

  // What the browser tests (and a curious user in the console) can look at.
  window.atomdoc = { graph, get renderer() { return renderer; }, get state() { return state; },
    get edgeCount() { return edges.n; },
    get highlight() { return highlight; }, updates: 0, ready: false };
  wire();
  restore().then(() => {
    window.atomdoc.ready = true;
    // The first frame with the whole graph drawn, in ms since navigation (bench/serve.rs).
    requestAnimationFrame(() => { window.atomdoc.firstPaint = performance.now(); });
    listen();
  },
    (e) => { $("status").textContent = `error: ${e.message}`; });
})();
