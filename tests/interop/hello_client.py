#!/usr/bin/env python3
# The tutorial's hello client, unchanged but for the URL, which the test passes.

import asyncio
import sys

import websockets


async def hello():
    async with websockets.connect(sys.argv[1]) as websocket:
        name = input("What's your name? ")
        await websocket.send(name)
        print(f"> {name}")
        greeting = await websocket.recv()
        print(f"< {greeting}")

asyncio.get_event_loop().run_until_complete(hello())
