#!/usr/bin/env python3
# Prints each run of bench/pg-profile/run and the medians of each group:
#   summarize.py OUT/a1,OUT/a2,OUT/a3 OUT/b1,OUT/b2,OUT/b3
# tps: tasks/s; *_us: CPU per task; backend: PostgreSQL backends of the run's database; commit_ms:
# mean group commit; in_commit: share of the timed window the writer spent in commits;
# stmt_ms_per_commit: execution time of the commit's statements (pg_stat_statements): its
# writes and the lease check.
import json, re, statistics, sys


def run(path):
    bench = open(f'{path}/bench.txt').read()
    mon = json.load(open(f'{path}/monitor.json'))
    tasks = float(re.search(r'in ([0-9.]+)s', bench).group(1)) * float(
        re.search(r'([0-9.]+) tasks/s', bench).group(1))
    row = {
        'tps': float(re.search(r'([0-9.]+) tasks/s', bench).group(1)),
        'server_us': float(re.search(r'server ([0-9.]+),', bench).group(1)),
        'workers_us': float(re.search(r'workers ([0-9.]+) us', bench).group(1)),
        'backend_us': round(mon['backends_cpu_s'] * 1e6 / tasks, 1),
        'commits': mon['commits'],
        'rows_per_commit': round(mon['rows'] / mon['commits'], 1) if mon['commits'] else 0,
        'commit_ms': mon.get('mean_commit_ms', 0),
        'in_commit': round(mon['commit_seconds_sum'] / mon['window_s'], 2),
    }
    try:
        wal = open(f'{path}/stat_wal').read().split()
        row['wal_mb'] = round(int(open(f'{path}/wal_bytes').read()) / 1e6, 1)
        row['fsync_ms'] = round(float(wal[6]) / int(wal[4]), 2)
        lines = [line.split('\t') for line in open(f'{path}/statements')]
        writes = r'(UPDATE|INSERT INTO|DELETE FROM) |SELECT pledge_(hold_leases|fence_commit)'
        row['stmt_ms_per_commit'] = round(
            sum(float(x[1]) for x in lines if re.match(writes, x[5])) / mon['commits'], 2)
    except (FileNotFoundError, IndexError, ZeroDivisionError):
        pass
    return row


for group in sys.argv[1:]:
    rows = [run(path) for path in group.split(',')]
    for path, row in zip(group.split(','), rows):
        print(path, row)
    print('median', {k: round(statistics.median(r[k] for r in rows), 2) for k in rows[0]})
