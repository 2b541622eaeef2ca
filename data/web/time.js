// SPDX-License-Identifier: GPL-3.0-or-later
// Time page: listens to ws(s)://<this host>/time and lists the timestamps the server
// pushes, newest first. Reconnects with exponential backoff when the connection drops.
'use strict';

(function () {
  const FIRST_DELAY_MS = 500;
  const MAX_DELAY_MS = 30000;
  const MAX_STAMPS = 100;   // keeps the page light however long it stays open

  const stamps = document.getElementById('stamps');
  const status = document.querySelector('.status');
  const empty = document.querySelector('.empty');
  const text = window.labText;

  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = scheme + '//' + location.host + '/time';

  let socket = null;
  let attempt = 0;
  let retryTimer = 0;
  let countdownTimer = 0;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
    document.body.classList.toggle('offline', state !== 'connected');
  }

  function addStamp(text) {
    const item = document.createElement('li');
    const time = document.createElement('time');
    time.dateTime = text;
    time.textContent = text;
    item.appendChild(time);
    stamps.insertBefore(item, stamps.firstChild);

    while (stamps.children.length > MAX_STAMPS)
      stamps.removeChild(stamps.lastElementChild);
    empty.hidden = true;
  }

  function scheduleReconnect() {
    // 0.5 s doubling up to 30 s, spread by ±20 % (same policy as the counter page)
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
      setStatus('connected', text.format('connected', location.host));
    });
    socket.addEventListener('message', function (event) {
      attempt = 0;
      if (typeof event.data === 'string')
        addStamp(event.data);
    });
    socket.addEventListener('close', function () {
      socket = null;
      scheduleReconnect();
    });
  }

  window.addEventListener('online', function () {
    if (socket === null)
      connect();
  });

  connect();
})();
