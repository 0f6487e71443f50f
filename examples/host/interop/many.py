"""The interop central system's modes with more than one connection:
`--swarm N` (N charge points at once) and `--connections K` / `--away S`
(one charge point that is killed and restarted, or that loses its central
system for S seconds in the middle of a transaction). csms.py holds the
checks of each message; this module holds the runs and their verdicts.
"""

import asyncio

import websockets
from websockets.asyncio.server import serve

# The connection to drop, once (--away): set by on_sample.
AWAY = {"event": None, "done": False}


def quiet_mode(options):
    """No CALLs of ours (the exercise) in these modes: they are about the link."""
    return options.swarm or options.connections > 1 or options.away


def on_sample(cs, tx):
    """--away: the second sample of the first transaction sends the central system away."""
    times = cs.transactions[tx]["times"]
    if cs.options.away and not AWAY["done"] and len(times) == 2 and tx == min(cs.transactions):
        AWAY["done"] = True
        AWAY["event"].set()


async def outages(args, CentralSystem, options):
    """One charge point over several connections; its record carries over.
    `options`: the server's (csms.server_options)."""
    record = {}
    ended = {"n": 0}
    finished = asyncio.Event()
    AWAY["event"] = asyncio.Event()
    carried = ["received", "problems", "actions", "statuses", "id_tags", "boots", "registered",
               "next_transaction_id", "transactions", "running", "remote", "outcomes"]
    connections = args.connections + (1 if args.away else 0)

    async def handler(connection):
        path = connection.request.path
        cs = CentralSystem(path.rstrip("/").rsplit("/", 1)[-1], connection)
        old = record.get("cs")
        if old is not None:
            for name in carried:
                setattr(cs, name, getattr(old, name))
            cs.conn = old.conn + 1
        record["cs"] = cs
        print(f"csms: connection {cs.conn} of {cs.id!r}", flush=True)
        try:
            await cs.start()
        except websockets.ConnectionClosed as e:
            print(f"csms: connection {cs.conn} ended ({e})", flush=True)
        finally:
            ended["n"] += 1
            if ended["n"] >= connections:
                finished.set()

    port = args.port
    first = True
    away_at = None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.timeout
    while True:
        async with serve(handler, "127.0.0.1", port, **options) as server:
            port = server.sockets[0].getsockname()[1]
            if first:
                print(f"listening on 127.0.0.1:{port}", flush=True)
            first = False
            waits = [asyncio.ensure_future(finished.wait()), asyncio.ensure_future(AWAY["event"].wait())]
            left = max(0.1, deadline - loop.time())
            await asyncio.wait(waits, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            for w in waits:
                w.cancel()
        if AWAY["event"].is_set() and away_at is None:
            away_at = loop.time()
            AWAY["event"].clear()
            print(f"csms: going away for {args.away:g} s (not listening)", flush=True)
            await asyncio.sleep(args.away)
            print("csms: back", flush=True)
            continue
        break

    cs = record.get("cs")
    if cs is None:
        print(f"interop: FAILED: no charge point connected within {args.timeout:g} s", flush=True)
        return 1
    if not finished.is_set():
        cs.problem(f"{ended['n']} connections ended of {connections} within {args.timeout:g} s")
    verify(cs, args, connections)
    counts = ", ".join(f"{n} {a}" for a, n in sorted(cs.actions.items()))
    print(f"csms: CALLs of the charge point: {counts}", flush=True)
    what = "away and back" if args.away else f"killed and restarted ({connections} connections)"
    if cs.problems:
        print(f"interop: FAILED: {what}: {cs.received} messages received, {len(cs.problems)} problems:")
        for p in cs.problems:
            print(f"  - {p}")
        return 1
    first = cs.transactions[min(cs.transactions)]
    late = sum(1 for _, conn in first.get("times", []) if conn > 1)
    print(f"interop: {what}: {cs.received} messages received, all valid; transactions "
          f"{[(tx, t['stop']['reason'], len(t['times'])) for tx, t in cs.transactions.items()]}, "
          f"{late} samples of the first transaction delivered on a later connection, in order")
    return 0


def verify(cs, args, connections):
    """Nothing lost, nothing new made up, everything in order."""
    boots = connections + (1 if args.pending else 0)  # a Pending answer: one more
    if cs.boots != boots:
        cs.problem(f"{cs.boots} BootNotifications over {connections} connections, expected {boots}")
    from csms import ID_TAG, REMOTE_TAG
    want = [(ID_TAG, "Local"), (REMOTE_TAG, "Remote")] if args.away else [(ID_TAG, "Local")]
    got = [(t["id_tag"], (t["stop"] or {}).get("reason")) for t in cs.transactions.values()]
    if got != want:
        cs.problem(f"transactions (idTag, stop reason): {got}, expected {want}")
    for tx, t in cs.transactions.items():
        times = [ts for ts, _ in t.get("times", [])]
        # In order; a sample whose answer was lost in the break may come
        # again, the same, right after itself (OCPP allows the resend).
        if times != sorted(times):
            cs.problem(f"transaction {tx}: samples out of order: {times}")
    first = cs.transactions.get(min(cs.transactions, default=None))
    if first is None or not any(conn > 1 for _, conn in first.get("times", [])):
        cs.problem("no sample of the first transaction arrived on a later connection "
                   "(nothing was queued, or the queue was lost)")
    # Samples are the same transaction across the break: start once, stop once.
    if cs.actions.get("StartTransaction", 0) != len(want):
        cs.problem(f"{cs.actions.get('StartTransaction', 0)} StartTransactions, expected {len(want)}")


async def swarm(args, CentralSystem, options):
    """`--swarm N`: N charge points at once, each checked as verify_swarm says.
    `options`: the server's (csms.server_options)."""
    chargers = []
    ended = asyncio.Event()

    async def handler(connection):
        path = connection.request.path
        cs = CentralSystem(path.rstrip("/").rsplit("/", 1)[-1], connection)
        chargers.append(cs)
        if connection.subprotocol != "ocpp1.6":
            cs.problem(f"subprotocol {connection.subprotocol!r}, expected 'ocpp1.6'")
        try:
            await cs.start()
        except websockets.ConnectionClosedOK:
            pass
        except websockets.ConnectionClosedError as e:
            cs.problem(f"the connection ended abnormally: {e}")
        finally:
            cs.closed = True
            if len(chargers) >= args.swarm and all(getattr(c, "closed", False) for c in chargers):
                ended.set()

    async with serve(handler, "127.0.0.1", args.port, **options) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on 127.0.0.1:{port}", flush=True)
        try:
            await asyncio.wait_for(ended.wait(), args.timeout)
        except asyncio.TimeoutError:
            pass
    problems = 0
    ids = {cs.id for cs in chargers}
    if len(ids) != args.swarm or len(chargers) != args.swarm:
        print(f"csms: PROBLEM: {len(chargers)} connections of {len(ids)} identities, expected {args.swarm} of each",
              flush=True)
        problems += 1
    for cs in chargers:
        if not getattr(cs, "closed", False):
            cs.problem(f"still connected after {args.timeout:g} s")
        cs.verify_swarm()
        problems += len(cs.problems)
    received = sum(cs.received for cs in chargers)
    counts = {}
    for cs in chargers:
        for a, n in cs.actions.items():
            counts[a] = counts.get(a, 0) + n
    print("csms: CALLs of the charge points: " + ", ".join(f"{n} {a}" for a, n in sorted(counts.items())), flush=True)
    if problems:
        print(f"interop: FAILED: swarm of {len(chargers)} charge points, {received} messages received, {problems} problems")
        return 1
    print(f"interop: swarm of {len(chargers)} charge points at once, {received} messages received, all valid")
    return 0


