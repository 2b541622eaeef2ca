// SPDX-License-Identifier: GPL-3.0-or-later
// The served pages in Chromium asking for another language: the page comes in the language the
// browser asks for (zh-TW, zh-CN, de; fr falls back to English), and the page's script shows
// the catalog's words, plural forms included, from the texts the server wrote into the page.
// A language po/LINGUAS does not list yet is skipped, saying so. LAB_LOCALEDIR (set by
// tests/meson.build) points the server at the build's catalogs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  HERE, TIMEOUT_MS, closeChromium, killLab, launchChromium, startLab, watchdog,
} from './lab-browser.mjs';

watchdog(120000);

const LINGUAS = fs.readFileSync(path.join(HERE, '..', '..', 'po', 'LINGUAS'), 'utf8')
  .split('\n').filter((line) => !line.startsWith('#')).join(' ').split(/\s+/).filter(Boolean);

const CASES = [
  { locale: 'zh-TW', language: 'zh_TW', tags: ['zh-TW', 'zh-Hant'] },
  { locale: 'zh-CN', language: 'zh_CN', tags: ['zh-CN', 'zh-Hans'] },
  { locale: 'de-DE', language: 'de', tags: ['de'] },
  { locale: 'fr-FR', language: null, tags: ['en'] },
];

let lab;
let browser;
let base;

before(async () => {
  lab = await startLab(['--port', '0']);
  base = `http://127.0.0.1:${lab.port}/`;
  browser = await launchChromium();
});

after(async () => {
  await closeChromium(browser);
  killLab(lab);
});

// Each form of a plural text as a pattern: its %u stands for any number
function formsPattern(forms) {
  const escape = (form) => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('%u', '\\d+');
  return new RegExp('^(' + forms.map(escape).join('|') + ')$');
}

for (const { locale, language, tags } of CASES) {
  test(`a browser set to ${locale} gets the pages in ${language ?? 'English'}`, async (t) => {
    if (language && !LINGUAS.includes(language)) {
      t.skip(`po/LINGUAS does not list ${language} yet: no ${language} catalog to check`);
      return;
    }
    // One persistent profile for all: each page sends the language a browser set so would.
    const page = await browser.newPage();
    try {
      await page.setExtraHTTPHeaders({ 'Accept-Language': `${locale},${locale.split('-')[0]};q=0.9` });
      const response = await page.goto(base, { timeout: TIMEOUT_MS });
      assert.equal(response.headers()['vary'], 'Accept-Language');
      const lang = await page.locator('html').getAttribute('lang');
      assert.ok(tags.includes(lang), `lang="${lang}", not one of ${tags.join(', ')}`);

      const text = JSON.parse(await page.locator('#lab-text').textContent());
      if (language)
        assert.notEqual(text.shared_counter, 'Shared counter', `${language} does not translate the heading`);
      else
        assert.equal(text.shared_counter, 'Shared counter');
      assert.equal(await page.locator('h1').textContent(), text.shared_counter);
      assert.equal(await page.getByRole('link', { name: text.time }).getAttribute('href'), 'time.html');

      await page.locator('.status[data-state="connected"]').waitFor({ timeout: TIMEOUT_MS });
      assert.equal(await page.locator('.status').textContent(),
                   text.connected.replace('%s', `127.0.0.1:${lab.port}`));
      await page.waitForFunction(() => /\d/.test(document.querySelector('.users').textContent),
                                 null, { timeout: TIMEOUT_MS });
      assert.match(await page.locator('.users').textContent(), formsPattern(text.users));
      assert.ok(await page.getByRole('button', { name: text.increase }).isEnabled());

      await page.goto(`${base}time.html`, { timeout: TIMEOUT_MS });
      assert.equal(await page.locator('h1').textContent(), JSON.parse(
        await page.locator('#lab-text').textContent()).server_time);
    } finally {
      await page.close();
    }
  });
}
