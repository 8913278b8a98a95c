// linesift label: the labeling page. Page text only ever reaches the DOM through
// textContent, never innerHTML, so a page's own markup is shown, not run.
"use strict";

const state = {
  pages: [],        // from GET /api/pages, in labeling order
  index: null,      // the page shown
  page: null,       // from GET /api/page/<index>
  labels: [],       // "content" | "chrome" | null per line: what is on screen and saved
  cursor: null,     // line index of the keyboard cursor
  anchor: null,     // the line last clicked (shift-click) or where a shift-move started
  selection: null,  // [from, to] of a run selected with shift+j/k, or null
};
const queue = new Map();   // page index -> labels still to save (the latest wins)
let saving = false;
const rows = [];
const view = { lines: new Map(), document: null };   // line index -> its elements in the page shown

const $ = (id) => document.getElementById(id);

function labelable(i) {
  return state.labels[i] !== null;
}

function setStatus(text, kind) {
  const status = $("status");
  status.textContent = text;
  status.className = kind || "";
}

// Saves go one at a time, in order, so an older state never lands on disk after a newer one.
function save(index, labels) {
  queue.set(index, labels.slice());
  setStatus("saving…");
  flush();
}

async function flush() {
  if (saving || queue.size === 0) return;
  saving = true;
  const [index, labels] = queue.entries().next().value;
  queue.delete(index);
  try {
    const response = await fetch(`/api/page/${index}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ labels }),
      keepalive: true,   // a save started as the tab closes still reaches the server
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error || response.statusText);
    state.pages[index].saved = true;
    if (queue.size === 0) showSaved();
    refreshPageList();
  } catch (error) {
    queue.set(index, queue.get(index) || labels);   // keep it: retried with the next change
    setStatus(`NOT SAVED: ${error.message}`, "error");
  } finally {
    saving = false;
    if (queue.size && $("status").className !== "error") flush();
  }
}

// The status line speaks of the page shown, whichever page a finished save was for.
function showSaved() {
  if (state.index === null || !state.page) return;
  if (state.pages[state.index].saved) setStatus(`saved to ${state.page.target}`, "saved");
  else setStatus("not saved yet (a change or n saves it)");
}

window.addEventListener("beforeunload", (event) => {
  if (saving || queue.size) event.preventDefault();
});

function renderRow(i) {
  const row = rows[i];
  const label = state.labels[i];
  const [from, to] = state.selection || [-1, -2];
  row.className = "line " + (label || "blank") +
    (i === state.cursor ? " cursor" : "") + (i >= from && i <= to ? " selected" : "");
  row.querySelector(".label").textContent = label || "";
  row.setAttribute("aria-label", `line ${i + 1}: ${label || "blank"}`);
  for (const element of view.lines.get(i) || []) {
    element.classList.toggle("ls-content", label === "content");
    element.classList.toggle("ls-chrome", label === "chrome");
    element.classList.toggle("ls-cursor", i === state.cursor);
  }
}

// The page itself (HTML pages): served without scripts or remote content into a sandboxed
// frame; each block that became a line carries data-ls-line. Clicking one flips its line;
// no click in it ever follows a link or submits a form.
function showView() {
  const frame = $("view");
  view.lines.clear();
  view.document = null;
  $("workspace").classList.toggle("with-view", Boolean(state.page.view));
  frame.hidden = !state.page.view;
  if (!state.page.view) {
    frame.removeAttribute("src");
    return;
  }
  const index = state.index;
  frame.onload = () => {
    if (state.index !== index) return;
    const doc = frame.contentDocument;
    view.document = doc;
    for (const element of doc.querySelectorAll("[data-ls-line]")) {
      const i = Number(element.dataset.lsLine);
      if (!view.lines.has(i)) view.lines.set(i, []);
      view.lines.get(i).push(element);
    }
    doc.addEventListener("click", onViewClick, true);
    doc.addEventListener("submit", (event) => event.preventDefault(), true);
    doc.addEventListener("keydown", onKey);
    renderAll();
  };
  frame.src = `/api/page/${index}/view`;
}

function onViewClick(event) {
  event.preventDefault();
  event.stopPropagation();
  const marked = event.target.closest && event.target.closest("[data-ls-line]");
  if (!marked) return;
  const i = Number(marked.dataset.lsLine);
  if (!labelable(i)) return;
  change([i], other(state.labels[i]));
  state.anchor = i;
  setCursor(i);
  rows[i].scrollIntoView({ block: "nearest" });
}

function renderAll() {
  for (let i = 0; i < rows.length; i++) renderRow(i);
}

function buildRows() {
  const main = $("lines");
  main.replaceChildren();
  rows.length = 0;
  state.page.lines.forEach((line, i) => {
    const row = document.createElement("div");
    row.dataset.n = String(i);
    for (const [cls, text] of [
      ["n", String(i + 1)],
      ["mark", line.uncertain ? "?" : ""],
      ["p", line.p === null ? "" : line.p.toFixed(2)],
      ["label", ""],
      ["text", line.text],
    ]) {
      const cell = document.createElement("span");
      cell.className = cls;
      cell.textContent = text;
      row.appendChild(cell);
    }
    if (line.uncertain) row.title = `P(content) ${line.p} is near the threshold ${state.page.threshold}`;
    main.appendChild(row);
    rows.push(row);
  });
}

function refreshPageList() {
  const select = $("pages");
  select.replaceChildren();
  state.pages.forEach((page, i) => {
    const option = document.createElement("option");
    option.value = String(i);
    option.textContent = `${page.saved ? "✓" : "·"} ${i + 1}. ${page.site}/${page.name} (${page.uncertain_lines} unsure)`;
    select.appendChild(option);
  });
  if (state.index !== null) select.value = String(state.index);
  const saved = state.pages.filter((page) => page.saved).length;
  $("position").textContent = `page ${state.index + 1} of ${state.pages.length} (${saved} saved)`;
}

async function showPage(index) {
  index = Math.max(0, Math.min(state.pages.length - 1, index));
  const response = await fetch(`/api/page/${index}`);
  if (!response.ok) {
    setStatus(`cannot load page ${index + 1}`, "error");
    return;
  }
  state.page = await response.json();
  state.index = index;
  state.labels = state.page.lines.map((line) => line.label);
  state.selection = null;
  state.anchor = null;
  state.cursor = state.labels.findIndex((label) => label !== null);
  if (state.cursor < 0) state.cursor = null;
  buildRows();
  showView();
  renderAll();
  $("source").textContent = `${state.page.source} → ${state.page.target}`;
  const unsure = state.page.lines.filter((line) => line.uncertain).length;
  $("counts").textContent = `${state.page.lines.length} lines, ${unsure} marked unsure`;
  if (!queue.size && !saving) showSaved();
  if (location.hash !== `#${index}`) history.replaceState(null, "", `#${index}`);
  refreshPageList();
  window.scrollTo(0, 0);
}

function change(indices, label) {
  let changed = false;
  for (const i of indices) {
    if (labelable(i) && state.labels[i] !== label) {
      state.labels[i] = label;
      changed = true;
    }
    renderRow(i);
  }
  if (changed) save(state.index, state.labels);
}

const other = (label) => (label === "content" ? "chrome" : "content");

function range(a, b) {
  const out = [];
  for (let i = Math.min(a, b); i <= Math.max(a, b); i++) out.push(i);
  return out;
}

// The lines a key acts on: the selected run, else the cursor line.
function targets() {
  if (state.selection) return range(state.selection[0], state.selection[1]);
  return state.cursor === null ? [] : [state.cursor];
}

function moveCursor(step, extend) {
  if (state.cursor === null) return;
  let i = state.cursor + step;
  while (i >= 0 && i < rows.length && !labelable(i)) i += step;   // blank lines take no label
  if (i < 0 || i >= rows.length) return;
  if (extend) {
    if (!state.selection) state.anchor = state.cursor;
    state.selection = [Math.min(state.anchor, i), Math.max(state.anchor, i)];
  } else {
    state.selection = null;
  }
  const previous = state.cursor;
  state.cursor = i;
  if (extend || previous !== i) renderAll();
  rows[i].scrollIntoView({ block: "nearest" });
  revealInView(i);
}

function setCursor(i) {
  state.cursor = i;
  state.selection = null;
  renderAll();
  revealInView(i);
}

function revealInView(i) {
  const element = (view.lines.get(i) || [])[0];
  if (element) element.scrollIntoView({ block: "nearest" });
}

function onClick(event) {
  const row = event.target.closest(".line");
  if (!row) return;
  const i = Number(row.dataset.n);
  if (!labelable(i)) return;
  if (event.shiftKey && state.anchor !== null) {
    change(range(state.anchor, i), state.labels[state.anchor]);
  } else {
    change([i], other(state.labels[i]));
    state.anchor = i;
  }
  setCursor(i);
}

function onKey(event) {
  if (event.target.closest && event.target.closest("select, input, textarea, summary")) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key;
  let handled = true;
  if (key === "j" || key === "J" || key === "ArrowDown") moveCursor(1, event.shiftKey);
  else if (key === "k" || key === "K" || key === "ArrowUp") moveCursor(-1, event.shiftKey);
  else if (key === " " || key === "x") {
    const lines = targets();
    if (lines.length) change(lines, other(state.labels[state.cursor] || state.labels[lines[0]]));
  } else if (key === "c" || key === "b") {
    const single = !state.selection;
    change(targets(), key === "c" ? "content" : "chrome");
    if (single) moveCursor(1, false);   // mark line after line without moving by hand
  } else if (key === "u") {
    const start = state.cursor === null ? -1 : state.cursor;
    for (let step = 1; step <= rows.length; step++) {
      const i = (start + step) % rows.length;
      if (state.page.lines[i].uncertain) {
        setCursor(i);
        rows[i].scrollIntoView({ block: "center" });
        break;
      }
    }
  } else if (key === "Escape") {
    state.selection = null;
    renderAll();
  } else if (key === "n" || key === "ArrowRight") {
    // Moving on means the page was checked: save it even if nothing was changed.
    save(state.index, state.labels);
    if (state.index < state.pages.length - 1) showPage(state.index + 1);
  } else if (key === "p" || key === "ArrowLeft") {
    if (state.index > 0) showPage(state.index - 1);
  } else handled = false;
  if (handled) event.preventDefault();
}

async function start() {
  const response = await fetch("/api/pages");
  const answer = await response.json();
  state.pages = answer.pages;
  if (!state.pages.length) {
    setStatus("no pages", "error");
    return;
  }
  $("lines").addEventListener("click", onClick);
  // Shift-click would otherwise select the text between the clicks.
  $("lines").addEventListener("mousedown", (event) => { if (event.shiftKey) event.preventDefault(); });
  document.addEventListener("keydown", onKey);
  $("next").addEventListener("click", () => onKey({ key: "n", target: document.body, preventDefault() {} }));
  $("previous").addEventListener("click", () => onKey({ key: "p", target: document.body, preventDefault() {} }));
  $("pages").addEventListener("change", (event) => {
    showPage(Number(event.target.value));
    event.target.blur();
  });
  // Start where the hash says (a reload), else at the first page not saved yet.
  const fromHash = Number.parseInt(location.hash.slice(1), 10);
  const firstOpen = state.pages.findIndex((page) => !page.saved);
  showPage(Number.isInteger(fromHash) ? fromHash : Math.max(firstOpen, 0));
}

start();
