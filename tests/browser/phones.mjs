// SPDX-License-Identifier: GPL-3.0-or-later
// A class of phones for tests/test-join-phones.c: opens COUNT phone-sized pages of URL in
// Debian's Chromium, says "joined COUNT" once every page is connected, clicks + once on the
// first, says "all COUNT show V" once every page shows the same new value, then keeps the
// pages open until the file DONE exists (the window is checked meanwhile) and closes.
// Usage: phones.mjs URL COUNT DONE

import fs from 'node:fs';

import { TIMEOUT_MS, assertOnlyLocalTraffic, closeChromium, fail, launchChromium, sleep, watchdog }
  from './lab-browser.mjs';

watchdog(170000);

const [url, countText, done] = process.argv.slice(2);
const count = Number.parseInt(countText, 10);
if (!url || !(count > 0) || !done)
  fail('usage: phones.mjs URL COUNT DONE');

const browser = await launchChromium();

// A phone: narrow, touch, the page as a student's browser shows it.
async function openPhone() {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(url, { timeout: TIMEOUT_MS });
  await page.locator('.status[data-state="connected"]').waitFor({ timeout: TIMEOUT_MS });
  await page.waitForFunction(() => /^-?\d+$/.test(document.querySelector('.value').textContent),
                             null, { timeout: TIMEOUT_MS });
  return page;
}

const phones = [];
for (let i = 0; i < count; i++)
  phones.push(await openPhone());
console.log(`joined ${count}`);

const before = Number.parseInt(await phones[0].locator('.value').textContent(), 10);
await phones[0].bringToFront();
await phones[0].getByRole('button', { name: 'Increase' }).click({ timeout: TIMEOUT_MS });

const expected = String(before + 1);
for (const page of phones)
  await page.waitForFunction((v) => document.querySelector('.value').textContent === v,
                             expected, { timeout: TIMEOUT_MS });
assertOnlyLocalTraffic(browser);
console.log(`all ${count} show ${expected}`);

// Until the test has looked at the window (the watchdog bounds the wait).
while (!fs.existsSync(done))
  await sleep(100);
await closeChromium(browser);
