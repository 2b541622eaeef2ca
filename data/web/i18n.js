// SPDX-License-Identifier: GPL-3.0-or-later
// The page's words: the server puts them, in the language the browser asked for, in the
// <script type="application/json" id="lab-text"> block, from the app's gettext catalogs.
// Texts are strings with %s / %u; plural texts an array of forms, indexed by the catalog's
// plural expression in n (C syntax, which is also JavaScript; the server sends only digits,
// n, spaces, parentheses and operators).
'use strict';

window.labText = (function () {
  const block = document.getElementById('lab-text');
  let text = {};
  try {
    text = JSON.parse(block ? block.textContent : '{}');
  } catch (e) {
    console.warn('The page’s texts are not JSON:', e);
  }

  let pluralIndex = function (n) { return n === 1 ? 0 : 1; };
  if (typeof text.plural === 'string' && /^[n0-9 ()?:|&=!<>%+*\/-]+$/.test(text.plural))
    pluralIndex = new Function('n', 'return Number(' + text.plural + ');');

  function fill(template, args) {
    let next = 0;
    return template.replace(/%[su]/g, function () { return String(args[next++]); });
  }

  return {
    // format('connected', host): the text with each %s / %u replaced in turn
    format: function (key, ...args) {
      return fill(String(text[key] !== undefined ? text[key] : key), args);
    },
    // plural('users', n, shown): the form for n, with shown (n by default) for %u
    plural: function (key, n, shown) {
      const forms = Array.isArray(text[key]) ? text[key] : [key];
      const index = Math.min(Math.max(pluralIndex(n) || 0, 0), forms.length - 1);
      return fill(forms[index], [shown === undefined ? n : shown]);
    },
  };
})();
