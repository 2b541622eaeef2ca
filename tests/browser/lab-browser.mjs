// SPDX-License-Identifier: GPL-3.0-or-later
// What the browser tests share: Debian's Chromium driven by playwright-core, the headless
// server and Python peers as child processes, and bounded waits. Nothing here skips: a
// missing piece is a failure that says how to get it.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const INTEROP_DIR = path.join(HERE, '..', 'interop');

// Every wait in these tests ends: a hung test fails instead of hanging.
export const TIMEOUT_MS = 15000;

// A fixed port held by a manual run of the app may be let go in a moment.
const PORT_FREE_TIMEOUT_MS = 15000;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const children = new Set();

// Whatever happens, no server or peer outlives the test.
function killChildren() {
  for (const child of children)
    child.kill('SIGKILL');
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killChildren();
    process.exit(1);
  });
}

// meson's own timeout kills only this process: end, children and all, before it.
export function watchdog(ms) {
  setTimeout(() => fail(`still running after ${ms / 1000} s: giving up`), ms).unref();
}

export function fail(message) {
  console.error(`\n${path.basename(process.argv[1])}: ${message}\n`);
  process.exit(1);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/* Child processes */

// A child whose output lines (stdout and stderr) are kept and echoed to the test log.
class Child {
  constructor(label, command, args, options = {}) {
    this.label = label;
    this.lines = [];
    this.waiters = [];
    this.process = spawn(command, args, {
      stdio: [options.stdin !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONUNBUFFERED: '1', ...options.env },
    });
    children.add(this.process);

    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        children.delete(this.process);
        resolve({ code, signal });
      });
      this.process.on('error', (error) => {
        children.delete(this.process);
        this.lines.push(`(could not start ${command}: ${error.message})`);
        resolve({ code: null, signal: null, error });
      });
    });
    // 'exit' may come before the last lines are read: wait for both streams to end too.
    const ended = ['stdout', 'stderr'].map((name) => new Promise((resolve) => {
      readline.createInterface({ input: this.process[name] })
        .on('line', (line) => this.addLine(line))
        .on('close', resolve);
    }));
    this.finished = Promise.all([this.exited, ...ended]).then(([status]) => status);

    if (options.stdin !== undefined)
      this.process.stdin.end(options.stdin);
  }

  addLine(line) {
    console.log(`  [${this.label}] ${line}`);
    this.lines.push(line);
    for (const waiter of [...this.waiters])
      waiter();
  }

  hasLine(pattern) {
    return this.lines.some((line) => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line)));
  }

  output() {
    return this.lines.join('\n');
  }

  // Resolves with the first line matching @pattern; rejects if the child ends without one.
  waitLine(pattern, ms = TIMEOUT_MS) {
    const match = () => this.lines.find((line) => (typeof pattern === 'string' ? line.includes(pattern) : pattern.test(line)));
    return withTimeout(new Promise((resolve, reject) => {
      const check = () => {
        const line = match();
        if (line !== undefined) {
          this.waiters = this.waiters.filter((waiter) => waiter !== check);
          resolve(line);
        }
      };
      this.waiters.push(check);
      check();
      this.finished.then(() => {
        check();
        reject(new Error(`${this.label} ended without printing ${pattern}:\n${this.output()}`));
      });
    }), ms, `${this.label} to print ${pattern}`);
  }

  async waitExit(ms = TIMEOUT_MS) {
    return withTimeout(this.finished, ms, `${this.label} to exit`);
  }

  get running() {
    return children.has(this.process);
  }

  kill(signal) {
    this.process.kill(signal);
  }
}

export function labExecutable() {
  const executable = process.env.LAB_WEBSOCKET_LAB;
  if (!executable)
    fail('LAB_WEBSOCKET_LAB is not set: run this through `meson test` (tests/meson.build sets it)');
  if (!fs.existsSync(executable))
    fail(`${executable} does not exist: build first (meson compile)`);
  return executable;
}

// `websocket-lab --headless ARGS…`; resolves once it listens, with the main port.
export async function startLab(args) {
  const lab = new Child('websocket-lab', labExecutable(), ['--headless', ...args]);
  const line = await lab.waitLine(/Listening on wss?:\/\/127\.0\.0\.1:\d+\//);
  lab.port = Number(/127\.0\.0\.1:(\d+)\//.exec(line)[1]);
  return lab;
}

// A self-signed certificate from the app's own generator; resolves with the files and the
// base64 SHA-256 of the key, which Chromium can be told to accept that one key by.
export async function makeCertificate(directory) {
  const maker = process.env.LAB_MAKE_CERTIFICATE;
  if (!maker)
    fail('LAB_MAKE_CERTIFICATE is not set: run this through `meson test` (tests/meson.build sets it)');
  const child = new Child('lab-make-certificate', maker, [directory]);
  const { code } = await child.waitExit();
  if (code !== 0)
    throw new Error(`lab-make-certificate failed:\n${child.output()}`);
  const [certificate, key] = child.lines;
  const spki = new crypto.X509Certificate(fs.readFileSync(certificate)).publicKey
    .export({ type: 'spki', format: 'der' });
  return { certificate, key, spkiHash: crypto.createHash('sha256').update(spki).digest('base64') };
}

// After a failure: no server may keep the test process alive.
export function killLab(lab) {
  if (lab?.running)
    lab.kill('SIGKILL');
}

// SIGTERM, as a person's Ctrl+C: every connection closes with 1001 and the exit status is 0.
export async function stopLab(lab) {
  lab.kill('SIGTERM');
  const { code, signal } = await lab.waitExit();
  if (code !== 0)
    throw new Error(`websocket-lab exited with ${signal ?? `status ${code}`} after SIGTERM:\n${lab.output()}`);
}

export function python() {
  return process.env.PYTHON3 || '/usr/bin/python3';
}

// One of the Python peers in tests/interop/, run by Debian's python3-websockets.
export function startPython(script, args = [], options = {}) {
  return new Child(script, python(), [path.join(INTEROP_DIR, script), ...args], options);
}

export async function requirePythonWebsockets() {
  const probe = new Child('python3', python(), ['-c', 'import websockets']);
  const { code } = await probe.waitExit();
  if (code !== 0)
    fail(`${python()} cannot import websockets: run build-aux/install-deps.sh tests (python3-websockets)`);
}

/* Fixed ports */

function portIsFree(port, host) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error) => resolve(error.code !== 'EADDRINUSE'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

// The tutorial's pages hard-code their ports: they must be free, or the test fails saying why.
export async function requireFreePorts(ports, who) {
  const deadline = Date.now() + PORT_FREE_TIMEOUT_MS;
  for (;;) {
    const taken = [];
    for (const port of ports) {
      if (!(await portIsFree(port, '127.0.0.1')) || !(await portIsFree(port, '::1')))
        taken.push(port);
    }
    if (taken.length === 0)
      return;
    if (Date.now() > deadline)
      throw new Error(`Port ${taken.join(' and ')} on this computer is in use by another program, ` +
                      `but must be free for ${who}: stop that program (ss -ltnp shows it) ` +
                      'and run the tests again');
    await sleep(250);
  }
}

/* Chromium */

// Debian's Chromium with a fresh profile, and playwright-core from tests/browser/node_modules.
export async function launchChromium(extraArgs = []) {
  if (!fs.existsSync(CHROMIUM))
    fail(`${CHROMIUM} is missing: install Debian's chromium (build-aux/install-deps.sh tests)`);

  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    fail(`playwright-core is not installed in ${path.join(HERE, 'node_modules')} (${error.code ?? error.message}): ` +
         'run `npm ci --prefix tests/browser` (build-aux/run-tests.sh does)');
  }

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'websocket-lab-chromium-'));
  let context;
  try {
    // Playwright refuses --user-data-dir in args: a persistent context is how it takes one.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      timeout: 60000,
      viewport: { width: 1280, height: 720 },
    });
  } catch (error) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }

  // Everything any page asks for, to prove no request leaves this computer.
  context.requestedUrls = [];
  context.on('request', (request) => context.requestedUrls.push(request.url()));
  context.on('page', (page) => {
    page.on('websocket', (socket) => context.requestedUrls.push(socket.url()));
    page.on('console', (message) => console.log(`  [page console.${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => console.log(`  [page error] ${error.message}`));
  });
  context.profile = profile;
  return context;
}

export async function closeChromium(context) {
  if (!context)
    return;
  try {
    await withTimeout(context.close(), TIMEOUT_MS, 'Chromium to close');
  } finally {
    fs.rmSync(context.profile, { recursive: true, force: true });
  }
}

// Fails if a page asked for anything but the loopback address or a local file.
export function assertOnlyLocalTraffic(context) {
  const strangers = context.requestedUrls.filter((url) => {
    const { protocol, hostname } = new URL(url);
    if (protocol === 'file:' || protocol === 'data:' || protocol === 'about:')
      return false;
    return hostname !== '127.0.0.1';
  });
  if (strangers.length > 0)
    throw new Error(`The pages asked for something off this computer: ${strangers.join(', ')}`);
}

export function buildDir() {
  return process.env.G_TEST_BUILDDIR || os.tmpdir();
}
