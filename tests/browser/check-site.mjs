// Opens sites written by `stackreg site` in headless Chromium and checks them as a
// visitor would meet them, over file:// with no server:
//
//   - every page loads with no console errors, no uncaught exceptions and no network use;
//   - every link and asset inside the site resolves, anchors included;
//   - keyboard: the skip link is the first stop and moves focus to the main content;
//   - the home page search filters the component table and announces the count, and the
//     page lists every component with JavaScript off;
//   - each stack page with a plan shows its SVG dependency graph at a non-zero size;
//   - axe-core finds no serious or critical accessibility violations;
//   - with --hostile, a site generated from hostile manifests runs nothing: no dialog,
//     no `window.__pwned`, no script or event handler that the site did not write, no
//     `javascript:` link. That site is checked with the page's Content-Security-Policy
//     switched off, so that escaping alone is what keeps it inert.
//
// One Chromium (Debian's, at /usr/bin/chromium or $CHROMIUM) serves every page; Playwright
// starts it with a new, empty user-data-dir of its own.
//
// Usage: node check-site.mjs --site DIR [--site DIR…] [--hostile DIR…]
//          [--screenshot PAGE[#ID]=PNG[@WIDTH]…] (a page of the first --site, scrolled to
//          #ID, written as a PNG WIDTH pixels wide, 1000 by default, and 1000 high)
// Exit code 0 when every check passed, 1 when any failed, 2 when it could not run.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import axe from "axe-core";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TABS = 2;
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

function parseArgs(argv) {
  const out = { sites: [], hostile: [], screenshots: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    const next = () => {
      i += 1;
      if (i >= argv.length) {
        throw new Error(`${a} needs a value`);
      }
      return argv[i];
    };
    if (a === "--site") {
      out.sites.push(path.resolve(next()));
    } else if (a === "--hostile") {
      out.hostile.push(path.resolve(next()));
    } else if (a === "--screenshot") {
      const [page, target] = next().split("=");
      const [png, width] = (target || "").split("@");
      if (!page || !png) {
        throw new Error("--screenshot takes PAGE=PNG");
      }
      out.screenshots.push({ page, png: path.resolve(png), width: Number(width) || 1000 });
    } else {
      throw new Error(`unknown argument ${a}`);
    }
  }
  if (out.sites.length === 0 && out.hostile.length === 0) {
    throw new Error("give at least one --site or --hostile folder");
  }
  return out;
}

function htmlFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith(".html")) {
        out.push(full);
      }
    }
  };
  walk(root);
  return out.sort();
}

// The ids a page declares, read from its source, for checking #fragment links.
const idCache = new Map();
function idsOf(file) {
  if (!idCache.has(file)) {
    const text = fs.readFileSync(file, "utf8");
    const ids = new Set();
    for (const m of text.matchAll(/\sid="([^"]*)"/g)) {
      ids.add(m[1]);
    }
    idCache.set(file, ids);
  }
  return idCache.get(file);
}

class Report {
  constructor() {
    this.passed = 0;
    this.failures = [];
    this.axe = { critical: 0, serious: 0, moderate: 0, minor: 0 };
    this.axeDetails = new Map();
    this.notes = [];
  }

  check(ok, what) {
    if (ok) {
      this.passed += 1;
    } else {
      this.failures.push(what);
    }
    return ok;
  }
}

// Checks one link or resource reference found on `file` (inside `root`).
function checkReference(report, root, file, ref, kind) {
  const raw = ref.trim();
  const lower = raw.toLowerCase().replace(/[\s\u0000-\u001f]/g, "");
  const where = `${path.relative(root, file)}: ${kind} ${JSON.stringify(ref)}`;
  if (/^(javascript|data|vbscript|file):/.test(lower)) {
    report.check(false, `${where} uses a forbidden scheme`);
    return;
  }
  if (lower.startsWith("https://")) {
    // Links to component homepages are fine; resources must be part of the site.
    report.check(kind === "link", `${where} loads a resource from outside the site`);
    return;
  }
  if (lower.startsWith("http:") || lower.startsWith("//") || /^[a-z][a-z0-9+.-]*:/.test(lower)) {
    report.check(false, `${where} is not https and not inside the site`);
    return;
  }
  const target = new URL(raw, pathToFileURL(file));
  const targetFile = fileURLToPath(target);
  const inside = !path.relative(root, targetFile).startsWith("..");
  if (!report.check(inside && fs.existsSync(targetFile) && fs.statSync(targetFile).isFile(),
    `${where} points at a missing file ${path.relative(root, targetFile)}`)) {
    return;
  }
  if (target.hash.length > 1) {
    const id = decodeURIComponent(target.hash.slice(1));
    report.check(idsOf(targetFile).has(id), `${where}: no element with id "${id}"`);
  }
}

// A tab that checks pages one after another, collecting what each page reports.
async function openTab(context) {
  const page = await context.newPage();
  const seen = { errors: [], dialogs: [] };
  page.on("console", (msg) => {
    if (msg.type() === "error") {
      seen.errors.push(`console error: ${msg.text()}`);
    }
  });
  page.on("pageerror", (err) => seen.errors.push(`uncaught exception: ${err.message}`));
  page.on("dialog", (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith("file:")) {
      seen.errors.push(`network request: ${url}`);
    }
  });
  return { page, seen };
}

async function checkPage(report, tab, root, file, options) {
  const rel = path.relative(root, file);
  const { page, seen } = tab;
  seen.errors = [];
  seen.dialogs = [];
  const errors = seen.errors;
  const dialogs = seen.dialogs;
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    // Let deferred scripts and anything injected settle.
    await page.waitForTimeout(options.hostile ? 150 : 0);

    const refs = await page.evaluate(() => ({
      links: Array.from(document.querySelectorAll("a[href], area[href]"), (a) => a.getAttribute("href")),
      resources: Array.from(
        document.querySelectorAll("link[href], script[src], img[src], iframe[src], source[src], object[data], embed[src]"),
        (el) => el.getAttribute("href") || el.getAttribute("src") || el.getAttribute("data"),
      ),
      handlers: Array.from(document.querySelectorAll("*")).flatMap((el) =>
        Array.from(el.attributes).filter((a) => /^on/i.test(a.name)).map((a) => `${el.tagName}[${a.name}]`)),
      scripts: Array.from(document.querySelectorAll("script"), (s) => s.getAttribute("src") || "(inline)"),
      pwned: typeof window.__pwned !== "undefined",
      h1: document.querySelectorAll("h1").length,
      main: document.querySelectorAll("main").length,
    }));
    for (const href of refs.links) {
      checkReference(report, root, file, href, "link");
    }
    for (const src of refs.resources) {
      checkReference(report, root, file, src, "resource");
    }
    report.check(refs.handlers.length === 0, `${rel}: event-handler attributes ${refs.handlers.join(", ")}`);
    report.check(
      refs.scripts.every((s) => /(^|\/)assets\/search\.js$/.test(s)),
      `${rel}: scripts the site did not write: ${refs.scripts.join(", ")}`,
    );
    report.check(!refs.pwned, `${rel}: window.__pwned was set: injected script ran`);
    report.check(refs.h1 === 1, `${rel}: ${refs.h1} h1 elements (want 1)`);
    report.check(refs.main === 1, `${rel}: ${refs.main} main elements (want 1)`);

    if (options.graph) {
      const graph = page.locator("svg.plan-graph");
      const count = await graph.count();
      if (report.check(count === 1, `${rel}: ${count} dependency graphs (want 1)`)) {
        const box = await graph.boundingBox();
        const visible = await graph.isVisible();
        const boxes = await page.locator("svg.plan-graph g.node").count();
        report.check(visible && box && box.width > 50 && box.height > 30 && boxes > 0,
          `${rel}: the dependency graph is not visible (box ${JSON.stringify(box)}, ${boxes} nodes)`);
        report.graphs = (report.graphs || 0) + 1;
      }
    }

    if (options.home) {
      await checkKeyboard(report, page, rel);
      await checkSearch(report, page, rel);
    }

    await page.evaluate(axe.source);
    const result = await page.evaluate(() =>
      // eslint-disable-next-line no-undef
      // No preload: axe would fetch the stylesheets itself, which the page's own
      // Content-Security-Policy (rightly) refuses.
      axe.run(document, { resultTypes: ["violations"], preload: false }));
    for (const v of result.violations) {
      const impact = v.impact || "minor";
      report.axe[impact] = (report.axe[impact] || 0) + 1;
      const key = `${impact} ${v.id}`;
      const list = report.axeDetails.get(key) || [];
      list.push(`${rel} (${v.nodes.length}× ${v.nodes[0] ? v.nodes[0].target.join(" ") : ""})`);
      report.axeDetails.set(key, list);
      report.check(impact !== "serious" && impact !== "critical",
        `${rel}: axe ${impact} violation ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join("; ")})`);
    }
  } catch (e) {
    errors.push(`could not check the page: ${e.message}`);
  } finally {
    report.check(errors.length === 0, `${rel}: ${errors.join("; ")}`);
    report.check(dialogs.length === 0, `${rel}: a dialog opened (${dialogs.join("; ")})`);
  }
}

// The reference behaviour of the search: every word must occur in the row's text.
function expectedMatches(rows, query) {
  const words = query.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
  return rows.filter((r) => words.every((w) => r.includes(w))).length;
}

async function checkSearch(report, page, rel) {
  const box = page.locator("#search");
  if ((await page.locator("tr[data-search]").count()) === 0) {
    // No components: nothing to search, so no search box.
    report.check((await box.count()) === 0, `${rel}: a search box with nothing to search`);
    return;
  }
  if (!report.check(await box.isVisible(), `${rel}: the search box is not shown with JavaScript on`)) {
    return;
  }
  const label = await page.locator('label[for="search-input"]').textContent();
  report.check(Boolean(label && label.trim()), `${rel}: the search box has no label`);
  const rows = await page.$$eval("tr[data-search]", (trs) => trs.map((tr) => tr.getAttribute("data-search")));
  const total = rows.length;
  const visibleRows = () => page.$$eval("tr[data-search]", (trs) => trs.filter((tr) => !tr.hidden && tr.offsetParent !== null).length);
  const status = () => page.locator("#search-status").textContent();
  const waitStatus = async (want) => {
    try {
      await page.waitForFunction((w) => document.getElementById("search-status").textContent === w, want, { timeout: 3000 });
    } catch {
      // Reported below with what was shown.
    }
  };
  const noun = total === 1 ? "component" : "components";
  const firstWord = (rows[0] || "").split(" ")[0];
  const capability = ((rows.join(" ").match(/capability:[a-z0-9-]+/) || [])[0]) || firstWord;
  const queries = [firstWord, capability, `${capability} ${firstWord}`, "zzzz-nothing-matches-this", ""];
  for (const q of queries) {
    const want = expectedMatches(rows, q);
    const wantText = q.trim() === ""
      ? `${total} ${noun}`
      : want === 0 ? "No components match" : `${want} of ${total} ${noun} match`;
    await page.fill("#search-input", q);
    await waitStatus(wantText);
    const shown = await visibleRows();
    const said = await status();
    report.check(shown === (q.trim() === "" ? total : want) && said === wantText,
      `${rel}: search for "${q}" shows ${shown} rows and says "${said}" (want ${want} and "${wantText}")`);
  }
  const live = await page.getAttribute("#search-status", "aria-live");
  report.check(live === "polite", `${rel}: search results are not announced (aria-live=${live})`);
  report.notes.push(`search: ${total} components; "${capability}" matches ${expectedMatches(rows, capability)}`);
}

async function checkKeyboard(report, page, rel) {
  // Straight after loading, nothing has focus: the first Tab goes to the first stop.
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => ({
    text: document.activeElement ? document.activeElement.textContent : "",
    href: document.activeElement ? document.activeElement.getAttribute("href") : "",
  }));
  report.check(first.href === "#main" && /skip/i.test(first.text),
    `${rel}: the first Tab stop is ${JSON.stringify(first)}, not the skip link`);
  await page.keyboard.press("Enter");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  report.check(focused === "main", `${rel}: the skip link moved focus to #${focused}, not #main`);
}

async function checkWithoutJavaScript(report, browser, root) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(pathToFileURL(path.join(root, "index.html")).href);
  const total = await page.locator("tr[data-search]").count();
  const visible = await page.$$eval("tr[data-search]", (trs) => trs.filter((tr) => tr.offsetParent !== null).length);
  const searchShown = await page.locator("#search").isVisible();
  report.check(visible === total && !searchShown,
    `index.html without JavaScript: ${visible} of ${total} components listed, search box ${searchShown ? "shown" : "hidden"}`);
  await context.close();
}

async function screenshot(browser, root, shot) {
  const context = await browser.newContext({ viewport: { width: shot.width, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const [pagePath, anchor] = shot.page.split("#");
  await page.goto(pathToFileURL(path.join(root, pagePath)).href, { waitUntil: "load" });
  if (anchor) {
    await page.evaluate((id) => document.getElementById(id).scrollIntoView(), anchor);
  }
  fs.mkdirSync(path.dirname(shot.png), { recursive: true });
  await page.screenshot({ path: shot.png, fullPage: false, animations: "disabled", caret: "hide" });
  await context.close();
  return `${pagePath} → ${shot.png}`;
}

async function checkSite(report, browser, root, hostile) {
  // Hostile pages are checked with the Content-Security-Policy off: escaping must be
  // enough on its own. Normal pages keep it on, so a policy that broke the site's own
  // script or styles would show up as console errors.
  const context = await browser.newContext({ bypassCSP: hostile });
  await context.route(/^(?!file:)/, (route) => route.abort());
  const files = htmlFiles(root);
  report.check(files.length > 0, `${root}: no pages`);
  let graphs = 0;
  const queue = files.map((file) => {
    const rel = path.relative(root, file).split(path.sep).join("/");
    const graph = /^stacks\//.test(rel) && fs.readFileSync(file, "utf8").includes('id="plan"');
    if (graph) {
      graphs += 1;
    }
    return { file, options: { home: rel === "index.html", graph, hostile } };
  });
  // A few tabs share the work; each takes the next page when it is done.
  const work = async () => {
    const tab = await openTab(context);
    for (let next = queue.shift(); next; next = queue.shift()) {
      await checkPage(report, tab, root, next.file, next.options);
    }
    await tab.page.close();
  };
  await Promise.all(Array.from({ length: TABS }, work));
  await context.close();
  await checkWithoutJavaScript(report, browser, root);
  return { pages: files.length, graphs };
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`error: no Chromium at ${CHROMIUM}; install it with: apt-get install -y chromium`);
    process.exit(2);
  }
  const started = Date.now();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const report = new Report();
  const summary = [];
  try {
    for (const root of args.sites) {
      const s = await checkSite(report, browser, root, false);
      report.check(s.graphs === 0 || report.graphs > 0, `${root}: no dependency graph was checked`);
      summary.push(`${root}: ${s.pages} pages, ${s.graphs} stack graphs`);
    }
    for (const root of args.hostile) {
      const s = await checkSite(report, browser, root, true);
      summary.push(`${root} (hostile): ${s.pages} pages`);
    }
    for (const shot of args.screenshots) {
      summary.push(`screenshot ${await screenshot(browser, args.sites[0], shot)}`);
    }
  } finally {
    await browser.close();
  }
  for (const line of summary) {
    console.log(line);
  }
  for (const note of report.notes) {
    console.log(note);
  }
  const a = report.axe;
  console.log(`axe-core ${axe.version}: ${a.critical} critical, ${a.serious} serious, ${a.moderate} moderate, ${a.minor} minor violations`);
  for (const [key, where] of [...report.axeDetails.entries()].sort()) {
    console.log(`  ${key}: ${where.length} page(s), e.g. ${where.slice(0, 2).join(", ")}`);
  }
  for (const f of report.failures) {
    console.log(`FAIL ${f}`);
  }
  console.log(`${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(`browser checks: ${report.passed} passed, ${report.failures.length} failed`);
  process.exit(report.failures.length === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(`error: ${e.stack || e.message}`);
  process.exit(2);
});
