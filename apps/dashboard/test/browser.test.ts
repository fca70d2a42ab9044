import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { startDashboard, type Dashboard } from "../src/index.js";
import { appendSteps, trialLoss, trialValAccuracy, writeTrial, type FakeTrial } from "./fixtures.js";

const CHROMIUM = process.env.GRADKIT_CHROMIUM ?? "/usr/bin/chromium";
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser && process.env.GRADKIT_REQUIRE_BROWSER === undefined) {
  console.warn(`dashboard browser test skipped: no chromium at ${CHROMIUM} (set GRADKIT_CHROMIUM, or GRADKIT_REQUIRE_BROWSER=1 to fail instead)`);
}

const trials: FakeTrial[] = [
  { id: "lr-0.1", lr: 0.1, weightDecay: 1e-4, steps: 20, stepsPerEpoch: 10, state: "done" },
  { id: "lr-0.01", lr: 0.01, weightDecay: 1e-3, steps: 20, stepsPerEpoch: 10, state: "done" },
  { id: "lr-0.001", lr: 0.001, weightDecay: 1e-2, steps: 10, stepsPerEpoch: 10, state: "running" },
];

/** Vertices of every line path in a chart container (vega's SVG line is "Mx,yLx,y…"). */
async function lineVertices(page: Page, selector: string): Promise<number> {
  return page.$$eval(`${selector} g.mark-line path`, (paths) => paths.reduce((n, p) => n + (p.getAttribute("d")?.match(/[ML]/g)?.length ?? 0), 0));
}

describe.skipIf(!haveBrowser && process.env.GRADKIT_REQUIRE_BROWSER === undefined)("dashboard in chromium", () => {
  let runsDir: string;
  let dash: Dashboard;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    runsDir = mkdtempSync(join(tmpdir(), "gradkit-dash-browser-"));
    for (const t of trials) writeTrial(runsDir, t);
    dash = await startDashboard({ runsDir, port: 0, host: "127.0.0.1", pollMs: 200 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1200, height: 1100 } });
    // Upper bounds for a loaded CI machine, not expectations: every wait below is for a condition.
    page.setDefaultTimeout(120_000);
    page.on("console", (m) => void (m.type() === "error" && consoleErrors.push(m.text())));
    page.on("pageerror", (e) => void consoleErrors.push(e.message));
    // Offline: any request that leaves this server fails the page.
    await page.route("**/*", (route) => (route.request().url().startsWith(dash.url) ? route.continue() : route.abort()));
    await page.goto(dash.url);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await dash?.close();
  });

  it("shows one table row per trial with its hyperparameters and numbers", async () => {
    await page.waitForSelector("#trials tbody tr:nth-child(3)");
    const rows = await page.$$eval("#trials tbody tr", (trs) =>
      trs.map((tr) => Object.fromEntries(Array.from(tr.querySelectorAll("td")).map((td) => [td.dataset.col, td.textContent?.trim()]))),
    );
    expect(rows.map((r) => r.trial)).toEqual(["lr-0.001", "lr-0.01", "lr-0.1"]);
    const fast = rows[2];
    expect(fast.lr).toBe("0.1");
    expect(fast.weightDecay).toBe("1.00e-4");
    expect(fast["optimizer.momentum"]).toBe("0.9");
    expect(fast.status).toBe("done");
    expect(fast["last step"]).toBe("20");
    expect(fast["best val accuracy"]).toBe(`${(100 * trialValAccuracy(0.1, 2)).toFixed(2)}%`);
    expect(fast["final loss"]).toBe(String(Number(trialLoss(0.1, 20).toPrecision(4))));
    expect(rows[0].status).toBe("running");
    const href = await page.$eval('#trials tr[data-trial="lr-0.1"] td[data-col="report"] a', (a) => a.getAttribute("href"));
    expect(href).toBe("/runs/lr-0.1/report.html");
  });

  it("draws the loss curves (one vertex per step) and one accuracy point per trial for each numeric hyperparameter", async () => {
    const total = trials.reduce((n, t) => n + t.steps, 0);
    await page.waitForFunction((n) => {
      let count = 0;
      for (const p of Array.from(document.querySelectorAll("#loss-chart g.mark-line path"))) count += p.getAttribute("d")?.match(/[ML]/g)?.length ?? 0;
      return count === n;
    }, total);
    expect(await lineVertices(page, "#loss-chart")).toBe(total);
    expect(await page.$$eval("#loss-chart g.mark-line path", (p) => p.length)).toBe(3);
    // lr and weightDecay vary; optimizer.momentum does not. Each chart: 3 trials, log x.
    await page.waitForSelector('#hparams [data-hparam="weightDecay"] g.mark-symbol path');
    const charts = await page.$$eval("#hparams .hparam", (divs) =>
      divs.map((d) => ({ key: d.getAttribute("data-hparam"), points: d.querySelectorAll("g.mark-symbol path").length, log: d.textContent?.includes("(log)") })),
    );
    expect(charts).toEqual([
      { key: "lr", points: 3, log: true },
      { key: "weightDecay", points: 3, log: true },
    ]);
  });

  it("appends points while a trial trains, and saves a screenshot", async () => {
    const before = await lineVertices(page, "#loss-chart");
    const running = trials[2];
    appendSteps(runsDir, running, 11, 25);
    await page.waitForFunction((n) => {
      let count = 0;
      for (const p of Array.from(document.querySelectorAll("#loss-chart g.mark-line path"))) count += p.getAttribute("d")?.match(/[ML]/g)?.length ?? 0;
      return count === n;
    }, before + 15);
    expect(await lineVertices(page, "#loss-chart")).toBe(before + 15);
    await page.waitForFunction(() => document.querySelector('#trials tr[data-trial="lr-0.001"] td[data-col="last step"]')?.textContent === "25");
    const file = join(mkdtempSync(join(tmpdir(), "gradkit-dash-shot-")), "dashboard.png");
    await page.screenshot({ path: file, fullPage: true });
    const png = readFileSync(file);
    expect([...png.subarray(1, 4)].map((b) => String.fromCharCode(b)).join("")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1200);
    expect(statSync(file).size).toBeGreaterThan(20_000);
    if (process.env.GRADKIT_UPDATE_SCREENSHOT !== undefined) {
      mkdirSync(join(import.meta.dirname, "..", "docs"), { recursive: true });
      copyFileSync(file, join(import.meta.dirname, "..", "docs", "screenshot.png"));
    }
    expect(consoleErrors).toEqual([]);
  });
});
