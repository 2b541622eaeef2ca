#!/usr/bin/env python3
# The tutorial's WSS hello client, unchanged but for the URL, which the test
# passes: it trusts the localhost.pem that lies beside it.

import asyncio
import pathlib
import ssl
import sys

import websockets

ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ssl_context.load_verify_locations(
    pathlib.Path(__file__).with_name('localhost.pem'))


async def hello():
    async with websockets.connect(
            sys.argv[1], ssl=ssl_context) as websocket:
        name = input("What's your name? ")
        await websocket.send(name)
        print(f"> {name}")
        greeting = await websocket.recv()
        print(f"< {greeting}")

asyncio.get_event_loop().run_until_complete(hello())
