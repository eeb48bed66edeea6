#!/usr/bin/env python3
"""Measures anchoring on the embedded node (SQLite + local anvil), as README.md reports it:
gas per anchor and per transfer anchored for batches of 1,000, 10,000 and 100,000 transfers, and the
time from a transfer's commit to its final proof. Starts its own node on a free port and a fresh data
folder, and stops it at the end. Build first (make build). Usage: scripts/measure-anchoring.py
Environment: MEASURE_INTERVAL_SECONDS (the node's settlement interval, default 5; a long one keeps each burst
in one batch), MEASURE_BURSTS (comma-separated burst sizes, default 1000,10000,100000; empty for none)."""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY = "lk_measure_" + uuid.uuid4().hex


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


def call(base, method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Authorization": "Bearer " + KEY, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")
    except urllib.error.URLError:
        return 0, None  # not listening yet


def rpc(url, method, params):
    req = urllib.request.Request(url, data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())["result"]


def uuid7():
    ms = int(time.time() * 1000)
    rand = uuid.uuid4().int & ((1 << 74) - 1)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def wait(predicate, limit, what):
    start = time.time()
    while time.time() - start < limit:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    sys.exit(f"timed out waiting for {what}")


def settlement_of(base, transfer_id):
    status, t = call(base, "GET", f"/v1/transfers/{transfer_id}")
    return t.get("settlement_seq") if status == 200 else None


def final(base, seq):
    status, s = call(base, "GET", f"/v1/settlements/{seq}")
    return s if status == 200 and s["anchor"]["status"] == "final" else None


def main():
    dll = os.path.join(ROOT, "api", "Ledger.Api", "bin", "Release", "net10.0", "Ledger.Api.dll")
    if not os.path.exists(dll):
        sys.exit("build first: make build")
    data = tempfile.mkdtemp(prefix="ledger-measure-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    interval = int(os.environ.get("MEASURE_INTERVAL_SECONDS", "5"))
    env = dict(os.environ, LEDGER_URLS=base, LEDGER_DATA_DIR=data, LEDGER_OPERATOR_KEY=KEY,
               LEDGER_SETTLEMENT_INTERVAL_SECONDS=str(interval), Logging__LogLevel__Default="Warning")
    env.pop("LEDGER_DB", None); env.pop("LEDGER_CHAIN_RPC", None)
    node = subprocess.Popen(["dotnet", dll], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait(lambda: call(base, "GET", "/v1/chain")[0] == 200, 120, "the node and its chain")
        chain = call(base, "GET", "/v1/chain")[1]
        op = "00000000-0000-0000-0000-000000000001"
        a, b = uuid7(), uuid7()
        for acc in (a, b):
            assert call(base, "POST", "/v1/accounts", {"id": acc, "owner_id": op, "currency": "USD", "code": "settlement", "flags": []})[0] == 201

        # Time from commit to a final proof: one transfer, the default settlement interval.
        tid = uuid7()
        status, body = call(base, "POST", "/v1/transfers", {"transfers": [{"id": tid, "debit_account_id": a, "credit_account_id": b, "amount": "1", "currency": "USD", "code": 1}]})
        committed = time.time()
        seq = wait(lambda: settlement_of(base, tid), 120, "the first batch")
        wait(lambda: call(base, "GET", f"/v1/proofs/transfers/{tid}")[0] == 200, 120, "the first proof")
        proof_at = time.time()
        wait(lambda: final(base, seq), 120, "the first batch to be final")
        final_at = time.time()
        print(f"commit to proof: {proof_at - committed:.1f} s; commit to final: {final_at - committed:.1f} s "
              f"(settlement interval {interval} s, block time 1 s, confirmations {chain['confirmations']})")

        rows = []
        bursts = [int(x) for x in os.environ.get("MEASURE_BURSTS", "1000,10000,100000").split(",") if x]
        for n in bursts:
            ids = [uuid7() for _ in range(n)]
            for start in range(0, n, 8189):
                chunk = [{"id": i, "debit_account_id": a, "credit_account_id": b, "amount": "1", "currency": "USD", "code": 1} for i in ids[start:start + 8189]]
                status, body = call(base, "POST", "/v1/transfers", {"transfers": chunk})
                assert status == 200 and all(r["status"] == "created" for r in body["results"]), body
            first = wait(lambda: settlement_of(base, ids[0]), 300, "the burst's first batch")
            last = wait(lambda: settlement_of(base, ids[-1]), 300, "the burst's last batch")
            for s in range(first, last + 1):
                batch = wait(lambda: final(base, s), 300, f"batch {s} to be final")
                receipt = rpc(chain["rpc_url"], "eth_getTransactionReceipt", [batch["anchor"]["tx_hash"]])
                size = batch["tree_size"] - batch["first_log_index"]
                gas = int(receipt["gasUsed"], 16)
                rows.append((n, s, size, batch["tree_size"], gas))
        print("burst | batch seq | transfers in batch | tree size | anchor gas | gas per transfer")
        for n, s, size, tree, gas in rows:
            print(f"{n} | {s} | {size} | {tree} | {gas} | {gas / size:.2f}")
    finally:
        node.send_signal(signal.SIGTERM)
        try:
            node.wait(30)
        except subprocess.TimeoutExpired:
            node.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
