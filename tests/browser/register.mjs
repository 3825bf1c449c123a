// Drives the published register site (tests/register.rs builds one with
// two systems: the reference, active, and "reference candidate (served)",
// revoked as log entry 2): search, status filter, a click into a system's
// detail, and deep links.
// Usage: node register.mjs SITE_URL   (the site's index.html, served)
import { withPage } from "./lib.mjs";

const [url] = process.argv.slice(2);
if (!url) {
  console.error("usage: node register.mjs SITE_URL");
  process.exit(2);
}

await withPage(async (page, check) => {
  await page.goto(url);
  const rows = page.locator("#rows tr[id^=entry-]");
  check((await rows.count()) === 2, "both accredited systems are listed");
  check((await page.locator("#count").textContent()) === "2 of 2 systems", "the count says 2 of 2");

  await page.getByLabel("Search").fill("served");
  check((await rows.count()) === 1 && /\(served\)/.test(await rows.first().textContent()), "search keeps the matching system");
  await page.getByLabel("Search").fill("no-such-system");
  check(await page.getByText("No accredited system matches.").isVisible(), "a search with no match says so");
  await page.getByLabel("Search").fill("");

  await page.getByLabel("Status").selectOption("revoked");
  const statuses = await rows.evaluateAll((trs) => trs.map((t) => t.dataset.status));
  check(statuses.length === 1 && statuses[0] === "revoked", `the status filter keeps revoked only (${statuses})`);
  await page.getByLabel("Status").selectOption("");

  // Clicking a system opens its detail, with how to check it offline.
  check(!(await page.locator("#detail h2").count()), "no detail before a click");
  await page.locator("#rows tr#entry-2").click();
  const detail = page.locator("#detail");
  check(/\(served\)/.test(await detail.locator("h2").textContent()), "clicking entry 2 shows that system");
  check(/Hosting assurance withdrawn/.test(await detail.textContent()), "its detail gives the revocation reason");
  check(await page.locator("#rows tr#entry-2.selected").count() === 1, "the clicked row is marked selected");
  check(await detail.getByText("Check it yourself, offline").isVisible(), "its detail says how to verify it");

  // Deep links.
  await page.goto(`${url}#entry-2`);
  check(/Hosting assurance withdrawn/.test(await page.locator("#detail").textContent()), "#entry-2 opens that system");
  await page.goto(`${url}?status=active`);
  check((await rows.count()) === 1 && (await page.getByLabel("Status").inputValue()) === "active", "?status=active applies on load");
});
