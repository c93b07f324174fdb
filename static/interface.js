// The page's script (relance/interface.py installs it once per page load, inside a function that receives
// `config`: the translation table relance/reference/traductions.json, the screen's width class, the Plotly
// bundle's name). It translates what Streamlit and Plotly write in English, sets lang="fr", names charts and
// scrollable tables for screen readers, preloads Plotly and tells the server the screen's width class.
const doc = window.parent && window.parent.document ? window.parent.document : document;
if (doc.__relanceFr) return;
doc.__relanceFr = true;
// Plotly's code (4.7 MB) is fetched and compiled now, while the server computes the page, not when the first
// chart arrives: the first chart then shows as soon as a bare page's would.
const main = doc.querySelector('script[type="module"][src*="static/js/index"]');
if (main && config.plotly_chunk) {
  const link = doc.createElement('link');
  link.rel = 'modulepreload';
  link.href = new URL(config.plotly_chunk, main.src).href;
  doc.head.appendChild(link);
}
// The screen's width class, for the server's chart layouts: if it took this screen for another, load once more.
const win = doc.defaultView || window;
// Streamlit writes the numbers of table cells in the browser's languages: the interface is French, so they read
// the French way (« 1 234,5 ») in any browser.
try {
  Object.defineProperty(win.navigator, 'languages', {get: () => ['fr-FR', 'fr'], configurable: true});
} catch (e) { /* an older browser keeps its own */ }
const narrow = win.innerWidth < config.narrow_px;
doc.cookie = config.cookie + '=' + (narrow ? 'etroit' : 'large') + '; path=/; max-age=31536000; SameSite=Lax';
const reloaded = win.sessionStorage.getItem(config.cookie);
if (narrow !== config.server_narrow && reloaded !== String(narrow)) {
  win.sessionStorage.setItem(config.cookie, String(narrow));
  win.location.reload();
  return;
}
const exact = config.exact;
const patterns = config.patterns.map(([re, to]) => [new RegExp(re), to]);
const attributes = config.attributes;
const translate = (text) => {
  if (!text) return null;
  const trimmed = text.trim();
  if (Object.prototype.hasOwnProperty.call(exact, trimmed)) return text.replace(trimmed, exact[trimmed]);
  for (const [re, to] of patterns) if (re.test(trimmed)) return text.replace(trimmed, trimmed.replace(re, to));
  return null;
};
const chartName = (chart) => {
  const title = chart.querySelector('.gtitle');
  // One space between the title's lines (each a tspan), so the name reads as words.
  const parts = [];
  if (title) {
    const walker = doc.createTreeWalker(title, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) parts.push(node.nodeValue);
  }
  // An untitled chart (the locator map) carries its name in its layout's meta.
  const plot = chart.querySelector('.js-plotly-plot');
  const meta = plot && plot._fullLayout && plot._fullLayout.meta;
  const name = parts.join(' ').replace(/\s+/g, ' ').trim() || (meta && meta.alt) || '';
  return 'Graphique' + (name ? ' : ' + name : '') +
    '. Ses données : boutons CSV et XLSX sous le graphique.';
};
const fixNode = (root) => {
  // The plotted SVG holds thousands of paths and no interface text: left alone.
  const host = root.nodeType === Node.TEXT_NODE ? root.parentElement : root;
  if (host && host.closest && host.closest('svg.main-svg')) return;
  if (root.nodeType === Node.TEXT_NODE) {
    const done = translate(root.nodeValue);
    if (done !== null && done !== root.nodeValue) root.nodeValue = done;
    return;
  }
  if (root.nodeType !== Node.ELEMENT_NODE) return;
  const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const done = translate(node.nodeValue);
    if (done !== null && done !== node.nodeValue) node.nodeValue = done;
  }
  const selector = attributes.map((a) => '[' + a + ']').join(',');
  for (const el of [root, ...root.querySelectorAll(selector)]) {
    if (el.closest('svg.main-svg')) continue;
    for (const name of attributes) {
      const value = el.getAttribute(name);
      const done = translate(value);
      if (done !== null && done !== value) el.setAttribute(name, done);
    }
  }
};
// A data grid wider than its column scrolls sideways: a visible cue says so (a shadow at its right edge and a line
// under it, relance/interface.py's CSS), so no column is taken for missing. Checked on every change of the page and
// every second (a grid sizes its columns after it is drawn).
const markGrids = () => {
  for (const grid of doc.querySelectorAll('[data-testid="stDataFrame"]')) {
    const scroller = grid.querySelector('.dvn-scroller');
    const wider = scroller && scroller.scrollWidth > scroller.clientWidth + 1 ? 'oui' : null;
    if (grid.getAttribute('data-defile') !== wider) {
      if (wider) grid.setAttribute('data-defile', wider); else grid.removeAttribute('data-defile');
    }
  }
};
win.setInterval(markGrids, 1000);
// A territory too small to hit (Carros is 2 px wide on the map of France) is chosen by a click near it: when the
// pointer, no button pressed, is over no territory but within NEAR_PX of one drawn smaller than SMALL_PX, the move
// is passed on to Plotly as a move to a point deep inside it, so its label shows and a press there selects it. Only
// on maps whose points have no hover of their own (the Projets map's points keep theirs).
const NEAR_PX = 10;
const SMALL_PX = 20;
const deepest = new WeakMap();  // territory path -> [its outline (d), its point farthest from it (drawing coordinates)]
const insidePoint = (el) => {  // deep inside: Plotly's own test of a point near the outline may differ
  const m = el.getScreenCTM();
  if (!m) return null;
  const outlineText = el.getAttribute('d');
  if (!deepest.has(el) || deepest.get(el)[0] !== outlineText) {  // Plotly redraws outlines on zoom and resize
    const b = el.getBBox(), total = el.getTotalLength(), outline = [];
    for (let k = 0; k < 64; k++) outline.push(el.getPointAtLength(total * k / 64));
    let best = null, bestDepth = -1;
    for (let i = 1; i < 16; i++) for (let j = 1; j < 16; j++) {
      const p = new DOMPoint(b.x + b.width * i / 16, b.y + b.height * j / 16);
      if (!el.isPointInFill(p)) continue;
      const depth = Math.min(...outline.map((o) => Math.hypot(o.x - p.x, o.y - p.y)));
      if (depth > bestDepth) { bestDepth = depth; best = p; }
    }
    deepest.set(el, [outlineText, best]);
  }
  const p = deepest.get(el)[1];
  if (!p) return null;
  const q = p.matrixTransform(m);
  return [q.x, q.y];
};
const inside = (el, x, y) => {
  const m = el.getScreenCTM();
  return !!m && el.isPointInFill(new DOMPoint(x, y).matrixTransform(m.inverse()));
};
const smallTerritories = (plot) => {  // looked up again at most twice a second (zoom, resize, a new map)
  const now = Date.now();
  if (!plot.__relanceSmall || now - plot.__relanceSmall[0] > 500) {
    const found = [];
    for (const el of plot.querySelectorAll('.choroplethlocation')) {
      if (!el.__data__ || !String(el.__data__.loc || '').startsWith('ti-')) continue;
      const r = el.getBoundingClientRect();
      if (Math.max(r.width, r.height) < SMALL_PX && r.width + r.height > 0) found.push([el, r]);
    }
    plot.__relanceSmall = [now, found];
  }
  return plot.__relanceSmall[1];
};
const nearestTerritory = (plot, x, y) => {
  let best = null;
  let bestDistance = NEAR_PX;
  for (const [el, r] of smallTerritories(plot)) {
    const distance = Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
    if (distance <= bestDistance) { bestDistance = distance; best = el; }
  }
  if (!best) return null;
  // over a territory (a large one beside the small one): Plotly's own
  for (const el of plot.querySelectorAll('.choroplethlocation')) {
    const r = el.getBoundingClientRect();
    if (x >= r.left && x <= r.right && y >= r.top && y <= r.bottom && el.__data__ &&
        String(el.__data__.loc || '').startsWith('ti-') && inside(el, x, y)) return null;
  }
  return best;
};
const pointsWithHover = (plot) => (plot._fullData || []).some((t) => t.type === 'scattergeo' &&
  !['skip', 'none'].includes(t.hoverinfo) && (t.lon || []).some((v) => v !== null && v !== undefined));
const helpClicks = (plot) => {
  if (plot.__relanceNear || !plot.querySelector('.choroplethlocation')) return;
  plot.__relanceNear = true;
  plot.addEventListener('mousemove', (event) => {
    if (event.__relance || event.buttons !== 0 || pointsWithHover(plot)) return;  // a drag pans: left alone
    const el = nearestTerritory(plot, event.clientX, event.clientY);
    const point = el && insidePoint(el);
    if (!point) return;
    // Plotly sees this move as a move inside that territory (never the empty spot: its hover is computed at most
    // every 50 ms, and the latest move must be this one when the button is pressed).
    event.stopImmediatePropagation();
    const moved = new MouseEvent('mousemove', {clientX: point[0], clientY: point[1], bubbles: true,
                                               cancelable: true, view: win});
    moved.__relance = true;
    event.target.dispatchEvent(moved);
  }, true);
};
const fixPage = () => {
  markGrids();
  for (const plot of doc.querySelectorAll('.js-plotly-plot')) helpClicks(plot);
  if (doc.documentElement.lang !== 'fr') doc.documentElement.lang = 'fr';
  for (const chart of doc.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    const name = chartName(chart);
    if (chart.getAttribute('aria-label') !== name) {
      chart.setAttribute('role', 'figure');
      chart.setAttribute('aria-label', name);
    }
  }
  // A table wider than its column scrolls: its scrolling box takes the focus, named after the heading above it.
  const names = new Map();
  for (const table of doc.querySelectorAll('[data-testid="stTable"], [data-testid="stMarkdown"]:has(table)')) {
    const box = [table, ...table.querySelectorAll('div')].find((el) => {
      const overflow = getComputedStyle(el).overflowX;
      return overflow === 'auto' || overflow === 'scroll';
    }) || table;
    let heading = '';
    const headings = [...doc.querySelectorAll('h1, h2, h3, h4')];
    for (const h of headings) {
      if (h.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING) heading = h.textContent.trim();
    }
    let name = 'Tableau' + (heading ? ' : ' + heading : '');
    const seen = (names.get(name) || 0) + 1;
    names.set(name, seen);
    if (seen > 1) name += ' (' + seen + ')';
    if (box.getAttribute('aria-label') !== name) {
      box.setAttribute('tabindex', '0');
      box.setAttribute('role', 'region');
      box.setAttribute('aria-label', name);
    }
  }
};
let queue = new Set();
let pending = false;
const run = () => {
  pending = false;
  observer.disconnect();
  for (const node of queue) if (node.isConnected) fixNode(node);
  queue = new Set();
  fixPage();
  watch();
};
const observer = new MutationObserver((records) => {
  for (const record of records) {
    if (record.type === 'childList') record.addedNodes.forEach((n) => queue.add(n));
    else queue.add(record.target);
  }
  if (!pending) { pending = true; requestAnimationFrame(run); }
});
const watch = () => observer.observe(doc.body, {subtree: true, childList: true, characterData: true,
                                               attributes: true, attributeFilter: attributes});
queue.add(doc.body);
run();
