// SPDX-License-Identifier: GPL-3.0-or-later
// The Python websockets tutorial's own pages, unmodified and opened from file:// in Debian's
// Chromium, against `websocket-lab --headless --port 6789 --classic-ports`: the counter page
// on the default port, the time page on the classic time port. Their URLs are hard-coded, so
// this needs ports 6789, 5678 and 8765 free, and fails (never skips) when they are not.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import {
  INTEROP_DIR, TIMEOUT_MS, assertOnlyLocalTraffic, closeChromium, killLab, launchChromium,
  requireFreePorts, startLab, stopLab, watchdog,
} from './lab-browser.mjs';

watchdog(150000);

const COUNTER_PAGE = pathToFileURL(path.join(INTEROP_DIR, 'tutorial-counter.html')).href;
const TIME_PAGE = pathToFileURL(path.join(INTEROP_DIR, 'tutorial-time.html')).href;
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let lab;
let browser;
const pageErrors = [];

before(async () => {
  await requireFreePorts([6789, 5678, 8765],
                         'the tutorial\'s pages (ws://127.0.0.1:6789/ and ws://127.0.0.1:5678/) ' +
                         'on websocket-lab --port 6789 --classic-ports');
  lab = await startLab(['--port', '6789', '--classic-ports']);
  assert.equal(lab.port, 6789);
  await lab.waitLine('Listening on ws://127.0.0.1:5678/');
  browser = await launchChromium();
  browser.on('page', (page) => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error')
        pageErrors.push(message.text());
    });
  });
});

after(async () => {
  await closeChromium(browser);
  killLab(lab);
});

async function waitForText(page, selector, text) {
  try {
    await page.waitForFunction(([s, t]) => document.querySelector(s).textContent === t,
                               [selector, text], { timeout: TIMEOUT_MS });
  } catch (error) {
    const shown = await page.locator(selector).textContent().catch(() => '(gone)');
    throw new Error(`${page.url()} shows “${shown}” in ${selector}, not “${text}”: ${error.message}`);
  }
}

test('the tutorial\'s counter page, from file://, counts with the app on port 6789', async () => {
  const first = await browser.newPage();
  await first.goto(COUNTER_PAGE, { timeout: TIMEOUT_MS });
  await waitForText(first, '.users', '1 user');
  await waitForText(first, '.value', '0');

  const second = await browser.newPage();
  await second.goto(COUNTER_PAGE, { timeout: TIMEOUT_MS });
  await waitForText(second, '.users', '2 users');
  await waitForText(first, '.users', '2 users');
  await waitForText(second, '.value', '0');

  // The tutorial's buttons are <div>s with onclick: a click is a click.
  await first.bringToFront();
  await first.locator('.plus').click({ timeout: TIMEOUT_MS });
  await waitForText(second, '.value', '1');
  await waitForText(first, '.value', '1');

  await second.bringToFront();
  await second.locator('.minus').click({ timeout: TIMEOUT_MS });
  await second.locator('.minus').click({ timeout: TIMEOUT_MS });
  await waitForText(first, '.value', '-1');
  await waitForText(second, '.value', '-1');

  // A page opened from a file sends "Origin: null"; the app takes it, as the tutorial's server does.
  await lab.waitLine(/joined \/ from 127\.0\.0\.1:\d+ \(Origin null\)/);

  await second.close();
  await waitForText(first, '.users', '1 user');
  await first.close();
  assert.deepEqual(pageErrors, []);
});

test('the tutorial\'s time page, from file://, lists the app\'s times on classic port 5678', async () => {
  const page = await browser.newPage();
  await page.goto(TIME_PAGE, { timeout: TIMEOUT_MS });

  // The server pushes at random intervals of up to 3 s; the tutorial's page appends.
  await page.waitForFunction(() => document.querySelectorAll('ul li').length >= 2,
                             null, { timeout: TIMEOUT_MS });
  const stamps = await page.locator('ul li').allTextContents();
  for (const stamp of stamps)
    assert.match(stamp, ISO_UTC);
  assert.ok(stamps[0] <= stamps[1], `not in the order they came: ${stamps.join(', ')}`);
  await page.close();
  assert.deepEqual(pageErrors, []);
});

test('the tutorial\'s pages ask for nothing off this computer', () => {
  assertOnlyLocalTraffic(browser);
  assert.ok(browser.requestedUrls.includes('ws://127.0.0.1:6789/'));
  assert.ok(browser.requestedUrls.includes('ws://127.0.0.1:5678/'));
});

test('the server exits with 0 on SIGTERM', async () => {
  await stopLab(lab);
});
