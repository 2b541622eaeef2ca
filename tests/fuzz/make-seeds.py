#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes the seed corpus of each fuzz target: small real inputs, one a file. Run again after
# changing the list; inputs kept from crashes (any other file in the folders) stay as they are.
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    with open(os.path.join(HERE, target, 'seed-' + name), 'wb') as f:
        f.write(data)


# The counter protocol: actions, server events, and what is not JSON.
protocol = {
    'action-plus': '{"action":"plus"}',
    'action-minus': '{"action": "minus"}',
    'action-extra-member': '{"action":"plus","by":"a browser"}',
    'action-unknown': '{"action":"times"}',
    'action-not-string': '{"action":1}',
    'action-single-quotes': "{'action':'plus'}",
    'action-escaped': '{"\\u0061ction":"pl\\u0075s"}',
    'action-nul-escape': '{"action":"plus\\u0000minus"}',
    'state': '{"type":"state","value":42}',
    'value-upstream': '{"type": "value", "value": -7}',
    'state-max': '{"type":"state","value":9007199254740991}',
    'state-too-big': '{"type":"state","value":9007199254740992}',
    'state-double': '{"type":"state","value":3.0e2}',
    'state-fraction': '{"type":"state","value":0.5}',
    'state-huge-exponent': '{"type":"state","value":1e400}',
    'users': '{"type":"users","count":3}',
    'users-negative': '{"type":"users","count":-1}',
    'error': '{"type":"error","message":"Unknown action: expected \\"plus\\" or \\"minus\\""}',
    'error-unicode': '{"type":"error","message":"zähler → ∞ \\ud83d\\ude00"}',
    'error-lone-surrogate': '{"type":"error","message":"\\ud800"}',
    'event-unknown': '{"type":"unknown"}',
    'array': '[{"action":"plus"}]',
    'nested': '{"a":' * 40 + '1' + '}' * 40,
    'nested-arrays': '[' * 31 + ']' * 31,
    'empty': '',
    'blank': ' \r\n\t',
    'trailing-comma': '{"action":"plus",}',
    'trailing-text': '{"action":"plus"} x',
    'literals': '[true,false,null,-0,0e0,1E+2]',
    'leading-zero': '[01]',
    'nan': '[NaN]',
    'control-in-string': '{"action":"pl\tus"}',
    'unterminated': '{"action":"plus',
    'bad-escape': '["\\x41"]',
    'greeting-not-json': 'Hello websockets!',
}
for name, text in protocol.items():
    write('protocol', name, text)


# WebSocket frames as they pass the meter: every opcode, each length encoding, masked or
# not, messages in fragments, close frames with and without a reason.
def frame(opcode, payload=b'', fin=True, mask=None, rsv=0, length_bits=None):
    if isinstance(payload, str):
        payload = payload.encode()
    first = (0x80 if fin else 0) | rsv << 4 | opcode
    mask_bit = 0x80 if mask is not None else 0
    n = len(payload)
    bits = length_bits or (7 if n < 126 else 16 if n < 65536 else 64)
    if bits == 7:
        head = bytes([first, mask_bit | n])
    elif bits == 16:
        head = bytes([first, mask_bit | 126]) + struct.pack('>H', n)
    else:
        head = bytes([first, mask_bit | 127]) + struct.pack('>Q', n)
    if mask is not None:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        head += bytes(mask)
    return head + payload


KEY = b'\x37\xfa\x21\x3d'
close_payload = struct.pack('>H', 1000) + b'bye'
frames = {
    'text': frame(1, '{"type":"state","value":1}'),
    'text-masked': frame(1, '{"action":"plus"}', mask=KEY),
    'binary': frame(2, bytes(range(16))),
    'binary-masked': frame(2, bytes(range(40)), mask=KEY),
    'empty-text': frame(1),
    'length-125': frame(1, 'x' * 125),
    'length-16bit': frame(1, 'y' * 126, mask=KEY),
    'length-16bit-300': frame(2, bytes(300)),
    'length-64bit': frame(1, 'z' * 200, length_bits=64),
    'length-64bit-masked': frame(2, b'\xff' * 70, mask=KEY, length_bits=64),
    'length-64bit-huge': bytes([0x82, 0xff]) + struct.pack('>Q', 2 ** 63) + KEY + b'abc',
    'fragmented': frame(1, '{"act', fin=False) + frame(0, 'ion":"pl', fin=False) +
                  frame(0, 'us"}'),
    'fragmented-masked': frame(1, 'hello ', fin=False, mask=KEY) + frame(0, 'world', mask=KEY),
    'fragmented-with-ping': frame(1, 'a' * 10, fin=False) + frame(9, 'p') + frame(0, 'b' * 10),
    'fragment-utf8-split': frame(1, 'zä'.encode()[:2], fin=False) + frame(0, 'zä'.encode()[2:]),
    'close': frame(8, close_payload),
    'close-masked': frame(8, struct.pack('>H', 1001) + 'going away ✓'.encode(), mask=KEY),
    'close-empty': frame(8),
    'close-code-only': frame(8, struct.pack('>H', 1008)),
    'close-one-byte': frame(8, b'\x03'),
    'close-bad-utf8': frame(8, struct.pack('>H', 4000) + b'\xc3\x28'),
    'ping': frame(9, 'keepalive'),
    'pong-masked': frame(10, 'keepalive', mask=KEY),
    'reserved-opcode': frame(3, 'r') + frame(11, 'c'),
    'rsv-bits': frame(1, 'compressed?', rsv=4),
    'json-pretty': frame(1, '{"a":[1,2,{"b":null}],"c":"d"}'),
    'json-deep': frame(1, '[' * 100 + ']' * 100),
    'text-with-nul': frame(1, 'a\0b'),
    'text-invalid-utf8': frame(1, b'\xff\xfe'),
    'over-limit-4k': frame(1, 'm' * 3000, fin=False) + frame(0, 'n' * 2000) + frame(8, close_payload),
    'capture-max': frame(2, bytes(4100), mask=KEY),
    'stream': frame(1, '{"type":"users","count":2}') + frame(1, '{"type":"state","value":0}') +
              frame(9) + frame(10) + frame(8, close_payload),
    'truncated-header': bytes([0x81, 0xfe, 0x01]),
    'truncated-payload': frame(1, 'abcdef')[:5],
}
for name, data in frames.items():
    write('frame-meter', name, data)


# HTTP requests as browsers, the tutorial's clients and curious students send them.
def request(target, headers=(), method='GET', version='HTTP/1.1', body=''):
    lines = [f'{method} {target} {version}'] + [f'{k}: {v}' for k, v in headers]
    return '\r\n'.join(lines) + '\r\n\r\n' + body


upgrade = [('Host', '127.0.0.1:6789'), ('Upgrade', 'websocket'), ('Connection', 'Upgrade'),
           ('Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='), ('Sec-WebSocket-Version', '13')]
http = {
    'page-index': request('/', [('Host', '127.0.0.1:6789')]),
    'page-time': request('/time.html', [('Host', 'localhost:6789')]),
    'page-style': request('/style.css', [('Host', '[::1]:6789')]),
    'page-counter-js': request('/counter.js?v=1', [('Host', '192.168.1.20:6789')]),
    'page-time-js': request('/time.js#top', [('Host', '127.0.0.1')], method='HEAD'),
    'post': request('/', [('Host', '127.0.0.1:6789'), ('Content-Length', '4')], 'POST', body='plus'),
    'not-found': request('/missing.html', [('Host', '127.0.0.1:6789')]),
    'dot-dot': request('/../index.html', [('Host', '127.0.0.1:6789')]),
    'encoded': request('/%63ounter', [('Host', '127.0.0.1:6789')]),
    'encoded-slash': request('/time%2ehtml', [('Host', '127.0.0.1:6789')]),
    'absolute-uri': request('http://127.0.0.1:6789/hello', [('Host', '127.0.0.1:6789')]),
    'asterisk': request('*', [('Host', '127.0.0.1:6789')], method='OPTIONS'),
    'http10': request('/', version='HTTP/1.0'),
    'upgrade-counter': request('/', upgrade),
    'upgrade-time': request('/time', upgrade + [('Origin', 'null')]),
    'upgrade-hello': request('/hello', upgrade + [('Origin', 'http://localhost:8000')]),
    'upgrade-served-origin': request('/counter', upgrade + [('Origin', 'http://127.0.0.1:6789')]),
    'upgrade-other-site': request('/', upgrade + [('Origin', 'https://evil.example')]),
    'upgrade-listed-origin': request('/', upgrade + [('Origin', 'http://teacher.local:8080')]),
    'upgrade-ipv6-origin': request('/', upgrade + [('Origin', 'http://[::1]:3000')]),
    'upgrade-origin-userinfo': request('/', upgrade + [('Origin', 'http://localhost@evil.example')]),
    'upgrade-origin-path': request('/', upgrade + [('Origin', 'http://localhost/x')]),
    'upgrade-origin-case': request('/', upgrade + [('Origin', 'HTTP://LOCALHOST')]),
    'upgrade-no-key': request('/', upgrade[:3] + [('Sec-WebSocket-Version', '13')]),
    'upgrade-wrong-version': request('/', upgrade[:4] + [('Sec-WebSocket-Version', '8')]),
    'upgrade-not-found': request('/chat', upgrade),
    'host-with-path': request('/', upgrade[1:] + [('Host', 'evil.example/x'),
                                                    ('Origin', 'http://evil.example')]),
    'two-origins': request('/', upgrade + [('Origin', 'http://a.example'), ('Origin', 'null')]),
    'folded-header': 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n  :6789\r\n\r\n',
    'bare-lf': 'GET /time.html HTTP/1.1\nHost: 127.0.0.1\n\n',
    'no-version': 'GET /\r\n\r\n',
    'handshake-response': 'HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\n'
                          'Connection: Upgrade\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n',
    'handshake-request': 'GET / HTTP/1.1\nHost: 127.0.0.1:6789\n'
                         'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n'
                         'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n',
    'path-root': '/',
    'path-counter': '/counter',
    'path-time-page': '/time.html',
    'path-no-slash': 'index.html',
    'path-double-slash': '//style.css',
    'origin-text': 'http://127.0.0.1:6789',
}
for name, text in http.items():
    write('http-router', name, text)


# Whole connections to the server: a request, and after an upgrade the client's frames (masked,
# as a client sends them), the way a browser, a script or a curious student talks to it.
def masked(opcode, payload=b'', fin=True):
    return frame(opcode, payload, fin=fin, mask=KEY)


def session(path, frames=b'', extra=()):
    return request(path, upgrade + list(extra)).encode() + frames


close_1000 = masked(8, struct.pack('>H', 1000))
server = {
    'page-index': http['page-index'],
    'page-time': http['page-time'],
    'page-counter-js': http['page-counter-js'],
    'head-style': request('/style.css', [('Host', '127.0.0.1:6789')], method='HEAD'),
    'post': http['post'],
    'not-found': http['not-found'],
    'endpoint-without-upgrade': request('/counter', [('Host', '127.0.0.1:6789')]),
    'keep-alive-two-requests': request('/time.js', [('Host', '127.0.0.1:6789')]) +
                               request('/', [('Host', '127.0.0.1:6789')]),
    'bad-request-line': 'GET\r\n\r\n',
    'bad-content-length': request('/', [('Host', '127.0.0.1'), ('Content-Length', 'x')], 'POST'),
    'chunked-body': request('/', [('Host', '127.0.0.1'), ('Transfer-Encoding', 'chunked')],
                            'POST', body='4\r\nplus\r\n0\r\n\r\n'),
    'half-request': 'GET / HTTP/1.1\r\nHost: 127.0.0.1:67',
    'upgrade-no-key': http['upgrade-no-key'],
    'upgrade-wrong-version': http['upgrade-wrong-version'],
    'upgrade-other-site': http['upgrade-other-site'],
    'upgrade-served-origin': http['upgrade-served-origin'],
    'ws-plus': session('/', masked(1, '{"action":"plus"}') + close_1000),
    'ws-minus-twice': session('/counter', masked(1, '{"action":"minus"}') * 2),
    'ws-fragmented-action': session('/', masked(1, '{"action"', fin=False) +
                                    masked(0, ':"plus"}') + close_1000),
    'ws-ping-between-fragments': session('/', masked(1, '{"act', fin=False) + masked(9, 'p') +
                                         masked(0, 'ion":"minus"}')),
    'ws-single-quotes': session('/', masked(1, "{'action':'plus'}")),
    'ws-not-json': session('/', masked(1, 'plus')),
    'ws-unknown-action': session('/', masked(1, '{"action":"reset"}')),
    'ws-binary': session('/', masked(2, b'\x00\x01')),
    'ws-too-big': session('/', masked(1, '{"action":"' + 'p' * 5000 + '"}')),
    'ws-unmasked': session('/', frame(1, '{"action":"plus"}')),
    'ws-reserved-bits': session('/', frame(1, '{"action":"plus"}', mask=KEY, rsv=4)),
    'ws-close-with-reason': session('/', masked(8, struct.pack('>H', 4001) + b'bye')),
    'ws-close-bad-code': session('/', masked(8, struct.pack('>H', 999))),
    'ws-pong': session('/', masked(10, 'lab-ping 1')),
    'ws-flood': session('/', masked(1, '{"action":"plus"}') * 600),
    'ws-time': session('/time', close_1000),
    'ws-hello': session('/hello', masked(1, 'Ada')),
    'ws-hello-empty': session('/hello', masked(1, '')),
    'ws-origin-null': session('/', masked(1, '{"action":"plus"}'), [('Origin', 'null')]),
    'ws-origin-localhost': session('/', close_1000, [('Origin', 'http://localhost:8000')]),
}
for name, data in server.items():
    write('http-server', name, data)
