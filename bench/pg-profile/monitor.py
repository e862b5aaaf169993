#!/usr/bin/env python3
# Samples, every 0.1 s until SIGTERM, the CPU time of the pledge-server(s) of a build (per
# thread), of PostgreSQL's processes (backends of one database, auxiliary processes, and the
# postmaster's reaped children), and the server's /metrics; prints a JSON summary of the timed
# window (first process started .. N processes completed) and of the whole run.
#
# monitor.py --tree /work/wt-x/build/release --n 10000 [--pgdata DIR --db NAME]
import argparse, json, os, re, signal, sys, time, urllib.request

p = argparse.ArgumentParser()
p.add_argument('--tree', required=True)
p.add_argument('--n', type=int, required=True)
p.add_argument('--pgdata')
p.add_argument('--db')
a = p.parse_args()
tick = os.sysconf('SC_CLK_TCK')
stop = False
signal.signal(signal.SIGTERM, lambda *_: globals().__setitem__('stop', True))


def stat(path):
    try:
        s = open(path).read()
    except OSError:
        return None
    rest = s[s.rindex(')') + 2:].split()
    # fields after comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[13]) + int(rest[14])


def cmdline(pid):
    try:
        return open(f'/proc/{pid}/cmdline').read().replace('\0', ' ')
    except OSError:
        return ''


def metric(text, name):
    m = re.search('^' + re.escape(name) + r' ([0-9.e+]+)$', text, re.M)
    return float(m.group(1)) if m else 0.0


samples = []
last_metrics = ''
postmaster = int(open(f'{a.pgdata}/postmaster.pid').readline()) if a.pgdata else None
ports = {}
while not stop:
    now = time.monotonic()
    sample = {'t': now, 'server': {}, 'backends': {}, 'aux': {}, 'reaped': 0}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        st = stat(f'/proc/{d}/stat')
        if st is None:
            continue
        ppid, cpu, ccpu = st
        if int(d) == postmaster:
            sample['reaped'] = ccpu
        elif postmaster and ppid == postmaster:
            title = cmdline(d)
            if a.db and f' {a.db} ' in title:
                sample['backends'][d] = cpu
            else:
                sample['aux'][title.split('   ')[0].strip()] = cpu
        else:
            cl = cmdline(d)
            if 'server/pledge-server' in cl and a.tree in cl:
                threads = {}
                for t in os.listdir(f'/proc/{d}/task'):
                    ts = stat(f'/proc/{d}/task/{t}/stat')
                    if ts:
                        threads[t] = ts[1]
                sample['server'][d] = threads
                if d not in ports:
                    m = re.search(r'--port-file (\S+)', cl)
                    try:
                        ports[d] = int(open(m.group(1)).read())
                    except (OSError, ValueError, AttributeError):
                        pass
    completed = started = 0.0
    for d in sample['server']:
        if d in ports and len(samples) % 3 == 0:
            try:
                text = urllib.request.urlopen(f'http://127.0.0.1:{ports[d]}/metrics',
                                              timeout=0.5).read().decode()
                last_metrics = text if len(sample['server']) == 1 else last_metrics
                started += metric(text, 'pledge_processes_total{event="started"}')
                completed += metric(text, 'pledge_processes_total{event="completed"}')
            except Exception:
                pass
    sample['started'] = started
    sample['completed'] = completed
    samples.append(sample)
    time.sleep(0.1)

start = next((s for s in samples if s['started'] > 0), samples[0])
end = next((s for s in samples if s['completed'] >= a.n), samples[-1])


def cpu_of(sample, kind):
    if kind == 'server':
        return sum(sum(t.values()) for t in sample['server'].values())
    return sum(sample[kind].values())


def delta(kind, s0, s1):
    return (cpu_of(s1, kind) - cpu_of(s0, kind)) / tick


def per_key(kind, s0, s1):
    out = {}
    for k, v in s1[kind].items():
        out[k] = (v - s0[kind].get(k, 0)) / tick
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


threads0 = {t: c for th in start['server'].values() for t, c in th.items()}
threads1 = {t: c for th in end['server'].values() for t, c in th.items()}
thread_cpu = sorted(((c - threads0.get(t, 0)) / tick for t, c in threads1.items()), reverse=True)
hist = re.findall(r'^pledge_store_commit_seconds_bucket\{le="([^"]+)"\} (\S+)$', last_metrics,
                  re.M)
summary = {
    'window_s': round(end['t'] - start['t'], 2),
    'server_cpu_s': round(delta('server', start, end), 2),
    'server_threads_cpu_s': [round(c, 2) for c in thread_cpu[:6]],
    'backends_cpu_s': round(delta('backends', start, end), 2),
    'backends_each_cpu_s': {k: round(v, 2) for k, v in per_key('backends', start, end).items()},
    'aux_cpu_s': {k: round(v, 2) for k, v in per_key('aux', start, end).items() if v > 0},
    'whole_run_pg_cpu_s': round((samples[-1]['reaped'] - samples[0]['reaped']) / tick
                                + delta('aux', samples[0], samples[-1]), 2),
    'commits': metric(last_metrics, 'pledge_store_commits_total'),
    'commit_seconds_sum': metric(last_metrics, 'pledge_store_commit_seconds_sum'),
    'commit_seconds_count': metric(last_metrics, 'pledge_store_commit_seconds_count'),
    'commit_seconds_buckets': {le: float(c) for le, c in hist},
    'rows': metric(last_metrics, 'pledge_store_rows_total'),
}
if summary['commit_seconds_count']:
    summary['mean_commit_ms'] = round(1000 * summary['commit_seconds_sum']
                                      / summary['commit_seconds_count'], 3)
json.dump(summary, sys.stdout)
print()
