// Drives report.html as a person would: filters, the drill-down into a
// failed requirement's exchanges, a passing one's pointer into
// evidence.ndjson, deep links, and the layout fixes of issue 26.
// Usage: node report.mjs REPORT_HTML FAILED_ID   (FAILED_ID: a requirement that failed)
import { pathToFileURL } from "node:url";
import { withPage } from "./lib.mjs";

const [file, failedId] = process.argv.slice(2);
if (!file || !failedId) {
  console.error("usage: node report.mjs REPORT_HTML FAILED_ID");
  process.exit(2);
}
const url = pathToFileURL(file).href;

await withPage(async (page, check) => {
  await page.goto(url);
  const rows = page.locator("#reqs tr.req");
  const total = await rows.count();
  const passedRows = () => page.locator("#reqs tr.req:has(.badge.passed)").count();
  check(total > 100, `every requirement is listed (${total} rows)`);
  check((await passedRows()) > 0, "passed requirements are listed before filtering");

  // Filters.
  await page.getByLabel("Not passed only").check();
  check((await passedRows()) === 0, "'Not passed only' hides every passed requirement");
  check(await page.locator(`#reqs tr#${failedId}`).isVisible(), `'Not passed only' keeps ${failedId}`);
  check((await rows.count()) < total, "'Not passed only' shortens the list");
  await page.getByLabel("Not passed only").uncheck();
  check((await rows.count()) === total, "unchecking it brings every requirement back");

  const area = failedId.split("-")[1];
  await page.getByLabel("Area").selectOption(area);
  const areas = await page.locator("#reqs tr.req td:nth-child(3)").allTextContents();
  check(areas.length > 0 && areas.every((a) => a === area), `the area filter shows ${area} only (${areas.length} rows)`);
  await page.getByLabel("Area").selectOption("");
  await page.getByLabel("Search").fill(failedId);
  check((await rows.count()) === 1, `searching ${failedId} leaves one row`);
  await page.getByLabel("Search").fill("");

  // Drill down into the failed requirement: its failed scenario's exchanges
  // are in the page, the one the failure was judged on open.
  await page.locator(`#reqs tr#${failedId}`).click();
  const detail = page.locator(`#reqs tr#${failedId} + tr.detail`);
  check(await detail.isVisible(), `clicking ${failedId} opens its detail`);
  const failedBox = detail.locator(".scenario:has(.badge.failed)").first();
  check(await failedBox.locator("pre.failure").isVisible(), "the failed scenario shows its failure");
  const open = failedBox.locator("details[open]");
  check((await open.count()) === 1, "the exchange the failure was judged on is open");
  // Read only what is there: a missing element would wait out the timeout.
  const shown = (await open.count()) ? (await open.first().textContent()) || "" : "";
  check(/Request headers/.test(shown) && /Response \d{3} headers|no response/.test(shown), "the open exchange shows request and response");
  // Another exchange, when the scenario made more than one, opens on a click.
  const k = await failedBox.locator("details").evaluateAll((ds) => ds.findIndex((d) => !d.open));
  if (k >= 0) {
    const other = failedBox.locator("details").nth(k);
    await other.locator("summary").click();
    check(await other.evaluate((d) => d.open), "clicking an exchange's summary opens it");
  }
  await page.locator(`#reqs tr#${failedId}`).click();
  check((await detail.count()) === 0, `clicking ${failedId} again closes it`);

  // A passing requirement embeds no exchange and names its evidence records.
  const passing = page.locator("#reqs tr.req:has(.badge.passed)").first();
  await passing.click();
  const pdetail = page.locator("#reqs tr.req:has(.badge.passed) + tr.detail").first();
  const notes = pdetail.locator("p.evidence");
  const note = (await notes.count()) ? (await notes.first().textContent()) || "" : "";
  check(/evidence\.ndjson/.test(note) && /x\d{6}/.test(note), `a passing scenario names its evidence records: "${note.slice(0, 90)}"`);
  check((await pdetail.locator("details").count()) === 0, "a passing scenario embeds no exchange");

  // Deep links: the query sets the filters, the fragment opens a requirement.
  await page.goto(`${url}?failed=1&level=must#${failedId}`);
  check(await page.getByLabel("Not passed only").isChecked(), "?failed=1 checks 'Not passed only'");
  check((await page.getByLabel("Level").inputValue()) === "must", "?level=must selects the level");
  check((await passedRows()) === 0, "the deep link's filter applies");
  const linked = page.locator(`#reqs tr#${failedId} + tr.detail`);
  check((await linked.locator("details[open]").count()) > 0, `#${failedId} opens its drill-down with the exchange`);
  await page.goto(`${url}?q=${encodeURIComponent(failedId)}&area=${area}`);
  check((await rows.count()) === 1 && (await page.getByLabel("Area").inputValue()) === area, "?q= and ?area= apply on load");

  // Issue 26 layout: ids stay on one line even in a narrow window, a lot
  // card says why it did not pass, non-zero failed counts stand out.
  await page.setViewportSize({ width: 480, height: 900 });
  await page.goto(url);
  const lines = await page.locator("#reqs td.id").first().evaluate((td) => {
    const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length;
  });
  check(lines === 1, `a requirement id is on one line at 480 px (${lines} lines)`);
  const why = await page.locator(".lot .why").allTextContents();
  check(why.some((w) => /\d+ failed/.test(w)), `a failed lot's card says how many failed (${JSON.stringify(why)})`);
  const colour = await page.locator("#areas td.bad").first().evaluate((td) => getComputedStyle(td).color);
  const plain = await page.locator("#areas td.num:not(.bad):not(.err)").first().evaluate((td) => getComputedStyle(td).color);
  check(colour !== plain, `a non-zero failed count is coloured (${colour} against ${plain})`);
});
