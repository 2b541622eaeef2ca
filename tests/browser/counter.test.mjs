// SPDX-License-Identifier: GPL-3.0-or-later
// The pages WebSocket Lab serves, in Debian's Chromium, against `websocket-lab --headless`:
// two counter pages and a Python websockets client follow one another's clicks, the users
// count says 3, the time page lists the server's timestamps newest first, a page reconnects
// when the server comes back, and all of it works over https with a self-signed certificate.
// Saves counter-page.png (README's picture) in the build directory.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  TIMEOUT_MS, assertOnlyLocalTraffic, buildDir, closeChromium, killLab, launchChromium,
  makeCertificate, requirePythonWebsockets, startLab, startPython, stopLab, watchdog,
} from './lab-browser.mjs';

watchdog(150000);

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let lab;
let browser;
let base;

before(async () => {
  await requirePythonWebsockets();
  lab = await startLab(['--port', '0']);
  base = `http://127.0.0.1:${lab.port}/`;
  browser = await launchChromium();
});

after(async () => {
  await closeChromium(browser);
  killLab(lab);
});

async function openCounterPage(context = browser, url = base) {
  const page = await context.newPage();
  await page.goto(url, { timeout: TIMEOUT_MS });
  await page.locator('.status[data-state="connected"]').waitFor({ timeout: TIMEOUT_MS });
  await page.waitForFunction(() => /^-?\d+$/.test(document.querySelector('.value').textContent),
                             null, { timeout: TIMEOUT_MS });
  return page;
}

function waitForText(page, selector, text) {
  return page.waitForFunction(([s, t]) => document.querySelector(s).textContent === t,
                              [selector, text], { timeout: TIMEOUT_MS })
    .catch(async (error) => {
      const shown = await page.locator(selector).textContent().catch(() => '(gone)');
      throw new Error(`${page.url()} shows “${shown}” in ${selector}, not “${text}”: ${error.message}`);
    });
}

// A tab in the background gets few animation frames, and Playwright waits for frames to see
// that a button stands still: clicks go to the tab in front, as a person's would.
async function click(page, name) {
  await page.bringToFront();
  await page.getByRole('button', { name }).click({ timeout: TIMEOUT_MS });
}

test('the counter page is accessible: real buttons, a live value, a status', async () => {
  const page = await openCounterPage();

  assert.equal(await page.locator('button.minus').count(), 1);
  assert.equal(await page.locator('button.plus').count(), 1);
  assert.ok(await page.getByRole('button', { name: 'Increase' }).isEnabled());
  assert.ok(await page.getByRole('button', { name: 'Decrease' }).isEnabled());
  assert.equal(await page.locator('.value').getAttribute('aria-live'), 'polite');
  assert.equal(await page.getByRole('status').count(), 1);
  assert.match(await page.locator('meta[name="viewport"]').getAttribute('content'), /width=device-width/);

  // The navigation links both pages, from both pages.
  assert.equal(await page.getByRole('link', { name: 'Time' }).getAttribute('href'), 'time.html');
  await page.getByRole('link', { name: 'Time' }).click();
  await page.waitForURL(`${base}time.html`, { timeout: TIMEOUT_MS });
  await page.getByRole('link', { name: 'Counter' }).click();
  await page.waitForURL(base, { timeout: TIMEOUT_MS });
  await page.close();
});

test('a click on + in one page shows in the other page and in a Python client', async () => {
  const first = await openCounterPage();
  const second = await openCounterPage();
  const start = Number(await first.locator('.value').textContent());
  const next = String(start + 1);

  // The Python client waits for 3 users, then leaves once it has seen the next value.
  const client = startPython('counter_client.py', [`ws://127.0.0.1:${lab.port}/`, '3', '', next]);
  await waitForText(first, '.users', '3 users');
  await waitForText(second, '.users', '3 users');

  await click(first, 'Increase');
  await waitForText(second, '.value', next);
  await waitForText(first, '.value', next);

  const { code } = await client.waitExit();
  assert.equal(code, 0, `the Python client failed:\n${client.output()}`);
  assert.ok(client.hasLine('users 3'), 'the Python client never saw 3 users');
  assert.ok(client.hasLine(`final ${next}`), `the Python client never saw ${next}`);
  await waitForText(second, '.users', '2 users');

  // − goes back, in both.
  await click(second, 'Decrease');
  await waitForText(first, '.value', String(start));
  await waitForText(second, '.value', String(start));

  // For README: a few clicks so the picture shows a number, then the picture.
  for (let i = 0; i < 3; i++)
    await click(first, 'Increase');
  await waitForText(first, '.value', String(start + 3));
  await first.setViewportSize({ width: 520, height: 470 });
  const screenshot = path.join(buildDir(), 'counter-page.png');
  await first.screenshot({ path: screenshot, timeout: TIMEOUT_MS });
  console.log(`  screenshot: ${screenshot}`);

  await first.close();
  await second.close();
});

test('the time page lists at least two timestamps, newest first', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}time.html`, { timeout: TIMEOUT_MS });

  // The server pushes at random intervals of up to 3 s.
  await page.waitForFunction(() => document.querySelectorAll('#stamps li').length >= 2,
                             null, { timeout: TIMEOUT_MS });
  const stamps = await page.locator('#stamps li').allTextContents();
  for (const stamp of stamps)
    assert.match(stamp, ISO_UTC);
  assert.ok(stamps[0] >= stamps[1], `not newest first: ${stamps.join(', ')}`);
  assert.ok(await page.locator('.empty').isHidden());
  await page.close();
});

test('the pages ask for nothing off this computer', () => {
  assertOnlyLocalTraffic(browser);
  assert.ok(browser.requestedUrls.includes(`ws://127.0.0.1:${lab.port}/`));
  assert.ok(browser.requestedUrls.includes(`ws://127.0.0.1:${lab.port}/time`));
});

test('the counter page reconnects by itself when the server comes back', async () => {
  const page = await openCounterPage();
  const port = lab.port;

  await stopLab(lab);
  await page.locator('.status[data-state="reconnecting"]').waitFor({ timeout: TIMEOUT_MS });
  assert.ok(await page.getByRole('button', { name: 'Increase' }).isDisabled(),
            'the buttons take clicks while disconnected');

  // The first retries come after 0.5 s, then 1 s, 2 s…
  lab = await startLab(['--port', String(port)]);
  await page.locator('.status[data-state="connected"]').waitFor({ timeout: TIMEOUT_MS });
  await waitForText(page, '.value', '0');
  await waitForText(page, '.users', '1 user');
  await click(page, 'Increase');
  await waitForText(page, '.value', '1');
  await page.close();
});

test('the server exits with 0 on SIGTERM', async () => {
  await browser.close();
  await stopLab(lab);
});

test('over https with a self-signed certificate, the pages join by wss', async () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'websocket-lab-tls-'));
  let secureLab;
  let secureBrowser;

  try {
    const { certificate, key, spkiHash } = await makeCertificate(directory);
    secureLab = await startLab(['--port', '0', '--tls-cert', certificate, '--tls-key', key]);
    const origin = `https://127.0.0.1:${secureLab.port}/`;

    // Chromium accepts this one key, as a person accepts it once: no blanket
    // --ignore-certificate-errors.
    secureBrowser = await launchChromium([`--ignore-certificate-errors-spki-list=${spkiHash}`]);
    const page = await openCounterPage(secureBrowser, origin);
    await waitForText(page, '.value', '0');
    await waitForText(page, '.users', '1 user');
    await click(page, 'Increase');
    await waitForText(page, '.value', '1');

    await page.goto(`${origin}time.html`, { timeout: TIMEOUT_MS });
    await page.waitForFunction(() => document.querySelectorAll('#stamps li').length >= 1,
                               null, { timeout: TIMEOUT_MS });

    assert.ok(secureBrowser.requestedUrls.includes(`wss://127.0.0.1:${secureLab.port}/`));
    assert.ok(secureBrowser.requestedUrls.includes(`wss://127.0.0.1:${secureLab.port}/time`));
    assertOnlyLocalTraffic(secureBrowser);

    await closeChromium(secureBrowser);
    secureBrowser = null;
    await stopLab(secureLab);
  } finally {
    await closeChromium(secureBrowser);
    killLab(secureLab);
    fs.rmSync(directory, { recursive: true, force: true });
  }
});
