"""The disk's own durable commit rate, for the records writer to be compared with.

One single-row INSERT per transaction, SQLite in WAL with synchronous=FULL (Conum's settings),
a plain loop on one connection, for SECONDS seconds; prints the commits per second. Run in the
folder of the benchmark's database, so that it measures the same disk.
Usage: python3 benches/disk_probe.py FOLDER [SECONDS]
"""
import os
import sqlite3
import sys
import time

folder = sys.argv[1]
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
path = os.path.join(folder, "probe.db")
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = FULL")
db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
commits = 0
start = time.monotonic()
while time.monotonic() - start < seconds:
    db.execute("BEGIN")
    db.execute("INSERT INTO t (v) VALUES (?)", ("x" * 200,))
    db.execute("COMMIT")
    commits += 1
elapsed = time.monotonic() - start
db.close()
for suffix in ("", "-wal", "-shm"):
    try:
        os.remove(path + suffix)
    except FileNotFoundError:
        pass
print(f"{commits / elapsed:.0f}")
