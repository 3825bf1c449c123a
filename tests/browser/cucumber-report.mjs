// A third party reads our cucumber.json: multiple-cucumber-html-reporter
// (npm) renders the run, and the page it writes must count the same
// scenarios, passed and failed, as the file holds. usage:
//   node tests/browser/cucumber-report.mjs OUT_DIR   (OUT_DIR holds cucumber.json)
import fs from 'node:fs';
import path from 'node:path';
import report from 'multiple-cucumber-html-reporter';

const out = process.argv[2];
if (!out) {
  console.error('usage: cucumber-report.mjs OUT_DIR');
  process.exit(2);
}
const features = JSON.parse(fs.readFileSync(path.join(out, 'cucumber.json'), 'utf8'));
const elements = features.flatMap((f) => f.elements);
const failed = elements.filter((e) => e.steps.some((s) => s.result.status === 'failed')).length;
const dest = path.join(out, 'cucumber-html');
// The reporter reads every .json in its directory: give it ours alone.
const input = path.join(dest, 'input');
fs.mkdirSync(input, { recursive: true });
fs.copyFileSync(path.join(out, 'cucumber.json'), path.join(input, 'cucumber.json'));
report.generate({
  jsonDir: input,
  reportPath: dest,
  // The reporter needs platform metadata; ours is the harness's run.
  metadata: { browser: { name: 'rfa', version: '0' }, device: 'rfa-harness', platform: { name: 'linux' } },
  disableLog: true,
  saveCollectedJSON: true,
});
const page = fs.readFileSync(path.join(dest, 'index.html'), 'utf8');
if (!page.includes('Scenarios')) {
  console.error('the reporter wrote no scenario summary');
  process.exit(1);
}
// The reporter's own count of what it read, from its merged output.
const merged = JSON.parse(fs.readFileSync(path.join(dest, 'enriched-output.json'), 'utf8'));
const seen = merged.features.reduce((n, f) => n + f.scenarios.total, 0);
const seenFailed = merged.features.reduce((n, f) => n + f.scenarios.failed, 0);
if (seen !== elements.length || seenFailed !== failed) {
  console.error(`the reporter read ${seen} scenarios (${seenFailed} failed); cucumber.json has ${elements.length} (${failed} failed)`);
  process.exit(1);
}
console.log(`multiple-cucumber-html-reporter rendered ${seen} scenarios, ${seenFailed} failed`);
