// SPDX-License-Identifier: GPL-3.0-or-later
// Counter page: joins the counter at ws(s)://<this host>/ and keeps the value and the
// number of users in sync. Reconnects with exponential backoff when the connection drops.
'use strict';

(function () {
  const FIRST_DELAY_MS = 500;
  const MAX_DELAY_MS = 30000;
  const ERROR_VISIBLE_MS = 6000;

  const minus = document.querySelector('.minus');
  const plus = document.querySelector('.plus');
  const value = document.querySelector('.value');
  const users = document.querySelector('.users');
  const status = document.querySelector('.status');
  const error = document.querySelector('.error');
  const text = window.labText;

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = scheme + '//' + location.host + '/';

  let socket = null;
  let attempt = 0;
  let retryTimer = 0;
  let countdownTimer = 0;
  let errorTimer = 0;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  function setConnected(connected) {
    minus.disabled = !connected;
    plus.disabled = !connected;
    document.body.classList.toggle('offline', !connected);
  }

  function showError(message) {
    error.textContent = message;
    error.hidden = false;
    clearTimeout(errorTimer);
    errorTimer = setTimeout(function () { error.hidden = true; }, ERROR_VISIBLE_MS);
  }

  function send(action) {
    if (socket && socket.readyState === WebSocket.OPEN)
      socket.send(JSON.stringify({ action: action }));
  }

  function handleMessage(event) {
    let data;
    try {
      data = JSON.parse(event.data);
    } catch (e) {
      console.warn('Ignoring a message that is not JSON:', event.data);
      return;
    }
    if (data === null || typeof data !== 'object')
      return;

    // A message from the server means this connection really works: start the backoff anew.
    attempt = 0;

    switch (data.type) {
      case 'state':
      case 'value':
        value.textContent = String(data.value);
        break;
      case 'users': {
        const count = Number(data.count);
        users.textContent = text.plural('users', count);
        break;
      }
      case 'error':
        showError(String(data.message));
        break;
      default:
        console.warn('Unsupported event:', data);
    }
  }

  function scheduleReconnect() {
    // 0.5 s, 1 s, 2 s … up to 30 s, each spread by ±20 % so a room full of
    // browsers does not come back at the same instant.
    const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * Math.pow(2, attempt));
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    const due = Date.now() + delay;
    attempt++;

    function tick() {
      const seconds = Math.max(1, Math.ceil((due - Date.now()) / 1000));
      setStatus('reconnecting', text.format('disconnected') + ' · ' + text.plural('reconnecting', seconds));
    }
    tick();
    countdownTimer = setInterval(tick, 250);
    retryTimer = setTimeout(connect, delay);
  }

  function connect() {
    clearTimeout(retryTimer);
    clearInterval(countdownTimer);
    retryTimer = 0;
    countdownTimer = 0;

    setStatus('connecting', text.format('connecting'));
    socket = new WebSocket(url);

    socket.addEventListener('open', function () {
      setConnected(true);
      setStatus('connected', text.format('connected', location.host));
    });
    socket.addEventListener('message', handleMessage);
    socket.addEventListener('close', function () {
      socket = null;
      setConnected(false);
      scheduleReconnect();
    });
  }

  minus.addEventListener('click', function () { send('minus'); });
  plus.addEventListener('click', function () { send('plus'); });

  // Back on the network: try at once instead of waiting for the timer.
  window.addEventListener('online', function () {
    if (socket === null)
      connect();
  });

  users.textContent = text.plural('users', NaN, '?');
  setConnected(false);
  connect();
})();
