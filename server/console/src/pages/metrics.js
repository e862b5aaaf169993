// Metrics: charts over time of processes started, completed and broken per second, tasks per
// second and queue depths. The page reads GET /metrics every two seconds and keeps the last ten
// minutes of samples in the browser. Below them, the node's memory budget (memory_panel.js) and
// retention (retention_panel.js).
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { metricsText } from '../api.js';
import { parseMetrics, total } from '../prometheus.js';
import { ErrorBanner, html } from '../ui.js';
import { MemoryPanel } from './memory_panel.js';
import { RetentionPanel } from './retention_panel.js';

const KEEP = 300;  // samples (10 minutes at 2 s)

function Chart({ title, series, data, testId }) {
  const target = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    chart.current = new uPlot({
      width: 560, height: 220, title,
      scales: { x: { time: true } },
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: false } }))],
      axes: [{}, { size: 56 }],
    }, data, target.current);
    return () => chart.current.destroy();
  }, []);
  useEffect(() => {
    if (chart.current) chart.current.setData(data);
  }, [data]);
  return html`<div class="chart" data-testid=${testId} ref=${target}></div>`;
}

export function Metrics() {
  const [history, setHistory] = useState([]);
  const [error, setError] = useState(null);
  const previous = useRef(null);
  useEffect(() => {
    let alive = true;
    const sample = async () => {
      try {
        const samples = parseMetrics(await metricsText());
        const now = Date.now() / 1000;
        const point = {
          at: now,
          started: total(samples, 'pledge_processes_total', { event: 'started' }),
          completed: total(samples, 'pledge_processes_total', { event: 'completed' }),
          broken: total(samples, 'pledge_processes_total', { event: 'broken' }),
          released: total(samples, 'pledge_tasks_total', { event: 'released' }),
          ready: total(samples, 'pledge_queue_tasks', { state: 'ready' }),
          running: total(samples, 'pledge_queue_tasks', { state: 'running' }),
          waiting: total(samples, 'pledge_queue_tasks', { state: 'waiting' }),
        };
        const last = previous.current;
        previous.current = point;
        if (!alive || !last) return;
        const seconds = Math.max(point.at - last.at, 0.001);
        const rate = (key) => Math.max(0, (point[key] - last[key]) / seconds);
        setHistory((old) => [...old.slice(-(KEEP - 1)), {
          at: point.at, started: rate('started'), completed: rate('completed'), broken: rate('broken'),
          tasks: rate('released'), ready: point.ready, running: point.running, waiting: point.waiting,
        }]);
        setError(null);
      } catch (failure) {
        if (alive) setError(failure);
      }
    };
    sample();
    const timer = setInterval(sample, 2000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);
  const column = (key) => history.map((point) => point[key]);
  const times = column('at');
  return html`<section>
    <h1>Metrics <span class="hint">sampled from /metrics every 2 s while this page is open</span></h1>
    <${ErrorBanner} error=${error} what="read the metrics" />
    <div class="charts">
      <${Chart} testId="chart-processes" title="Processes per second" data=${[times, column('started'), column('completed'), column('broken')]}
        series=${[{ label: 'started', color: '#2563eb' }, { label: 'completed', color: '#16a34a' }, { label: 'broken', color: '#dc2626' }]} />
      <${Chart} testId="chart-tasks" title="Tasks released per second" data=${[times, column('tasks')]}
        series=${[{ label: 'tasks/s', color: '#7c3aed' }]} />
      <${Chart} testId="chart-queues" title="Queue depths" data=${[times, column('ready'), column('running'), column('waiting')]}
        series=${[{ label: 'ready', color: '#d97706' }, { label: 'running', color: '#0891b2' }, { label: 'waiting', color: '#6b7280' }]} />
    </div>
    <${MemoryPanel} />
    <${RetentionPanel} />
  </section>`;
}
