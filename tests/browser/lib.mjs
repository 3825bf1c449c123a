// Shared by the browser checks: launches Debian's chromium through
// playwright-core (no downloaded browser) and collects failed checks, so
// one run reports every check that failed, then exits 1.
import { chromium } from "playwright-core";

// The flags this machine needs: no network of its own, no first-run UI.
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

export async function withPage(run) {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: ARGS });
  const failures = [];
  const check = (ok, what) => {
    if (!ok) failures.push(what);
    console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20000);
    // A script error on the page is a failure even when the DOM looks right.
    page.on("pageerror", (e) => check(false, `no script error on the page: ${e.message}`));
    await run(page, check);
  } catch (e) {
    failures.push(String(e && e.stack || e));
    console.log(`FAIL ${e && e.stack || e}`);
  } finally {
    await browser.close();
  }
  if (failures.length) {
    console.log(`${failures.length} check(s) failed`);
    process.exit(1);
  }
}
