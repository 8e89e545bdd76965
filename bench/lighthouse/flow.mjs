// Lighthouse on the patient pages a script has to reach: an article, the booking page of a
// service, and the symptom check's results page (the answer to a posted form, so not a page
// Lighthouse can open by its address). Run by run.py with --patient-pages:
//
//   node flow.mjs BASE_URL ANSWERS_JSON OUT_JSON
//
// ANSWERS_JSON: {"region": "ankle", "age": "27", "sex": "female", "places": [...],
//                "answers": {"question as shown": "yes" | "no" | "not_sure"}}
// OUT_JSON gets {"steps": [{"name": ..., "lhr": ...}, ...]}.
//
// The symptom check is walked without JavaScript first (each step a full page), to count
// its steps; then again, and the last answer is given with JavaScript on, so that the
// results page loads as a patient's browser loads it, with Lighthouse measuring that load.
import fs from "node:fs";
import puppeteer from "puppeteer-core";
import { startFlow } from "lighthouse";

const [base, answersPath, outPath] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(answersPath, "utf8"));
const FLAGS = [
  "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-sync",
];

async function submit(page, selector) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.click(selector)]);
}

async function heading(page) {
  return page.$eval("#step-heading", (h) => h.textContent.trim());
}

// Through the symptom check with JavaScript off; stop before the answer that ends it
// (``stopBefore``) or at the results. Returns how many questions were answered.
async function walk(page, stopBefore) {
  await page.setJavaScriptEnabled(false);
  await page.goto(`${base}/assessment/?region=${plan.region}`, { waitUntil: "load" });
  await page.type("#age", plan.age);
  await page.click(`input[name=sex][value=${plan.sex}]`);
  await submit(page, "button.button-primary::-p-text(Start)");
  for (const place of plan.places) await page.click(`input[name=place][value="${place}"]`);
  await submit(page, "button.button-primary::-p-text(Next)");
  for (let n = 0; n < 60; n++) {
    const asked = await heading(page);
    if (asked === "Your results") return n;
    const answer = plan.answers[asked] ?? "no";
    const button = `button[name=answer][value=${answer}]`;
    if (n === stopBefore) return n;
    if (!(await page.$(button))) {
      throw new Error(`no answer button on the page headed ${JSON.stringify(asked)}`);
    }
    await submit(page, button);
  }
  throw new Error("the symptom check did not finish in 60 answers");
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH, headless: true, args: FLAGS,
});
try {
  const page = await browser.newPage();
  const steps = [];
  const flow = await startFlow(page, { name: "Stride patient pages" });
  await flow.navigate(`${base}/conditions/posterior-ankle-impingement/`, { name: "article" });
  await flow.navigate(`${base}/book/follow-up/`, { name: "booking" });
  const count = await walk(page, -1);
  await walk(page, count - 1);
  const last = plan.answers[await heading(page)] ?? "no";
  await page.setJavaScriptEnabled(true);
  await flow.navigate(async () => {
    await page.click(`button[name=answer][value=${last}]`);
  }, { name: "results", flags: { disableStorageReset: true } });
  const result = await flow.createFlowResult();
  for (const step of result.steps) steps.push({ name: step.name, lhr: step.lhr });
  if ((await heading(page)) !== "Your results") throw new Error("the last step was not the results");
  fs.writeFileSync(outPath, JSON.stringify({ steps, questions: count }));
} finally {
  await browser.close();
}
