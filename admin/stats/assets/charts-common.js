/* Shared by the dashboard and the public page: strings, number formats and Chart.js charts of a report. */
(function () {
  'use strict';
  var I18N = JSON.parse(document.getElementById('i18n').textContent);
  var numberLocale = I18N.locale === 'vi' ? 'vi-VN' : 'en-GB';
  var PALETTE = ['#1f6fb2', '#e07b24', '#c23b3b', '#2e9e5b', '#7b5ea7', '#8c6d46', '#d16ba5', '#5f6b73'];

  function get(obj, path) {
    return path.split('.').reduce(function (o, k) {
      return o && o[k] !== undefined ? o[k] : undefined;
    }, obj);
  }
  /** A string of the stats namespace with {{params}} filled in; the key itself if missing. */
  function t(key, params) {
    var s = get(I18N.stats, key);
    if (typeof s !== 'string') return key;
    return s.replace(/\{\{(\w+)\}\}/g, function (_, k) {
      return params && params[k] !== undefined ? String(params[k]) : '';
    });
  }
  function label(kind, key) {
    var s = I18N[kind] && I18N[kind][key];
    return typeof s === 'string' ? s : key;
  }
  function num(v, digits) {
    if (v === null || v === undefined) return '—';
    return new Intl.NumberFormat(numberLocale, {
      maximumFractionDigits: digits === undefined ? 0 : digits,
    }).format(v);
  }
  function pct(v) {
    return v === null || v === undefined ? '—' : num(v * 100, 1) + '%';
  }
  function days(ms) {
    return ms === null || ms === undefined ? '—' : t('dashboard.days', { value: num(ms / 86400000, 1) });
  }
  function dmy(iso) {
    return iso.slice(8, 10) + '/' + iso.slice(5, 7) + '/' + iso.slice(0, 4);
  }
  function bucketLabel(bucket, granularity, multiYear) {
    if (granularity === 'month') return bucket.slice(5, 7) + '/' + bucket.slice(0, 4);
    var dm = bucket.slice(8, 10) + '/' + bucket.slice(5, 7);
    return multiYear ? dm + '/' + bucket.slice(2, 4) : dm;
  }

  var charts = {};
  /** Draws (or redraws) a chart on canvas#chart-<id>. */
  function draw(id, config) {
    var canvas = document.getElementById('chart-' + id);
    if (!canvas) return;
    if (charts[id]) charts[id].destroy();
    config.options = Object.assign(
      { responsive: true, maintainAspectRatio: false, animation: false, locale: numberLocale },
      config.options || {},
    );
    charts[id] = new window.Chart(canvas, config);
  }
  function bar(id, labels, datasets, opts) {
    opts = opts || {};
    var horizontal = !!opts.horizontal;
    var valueAxis = { beginAtZero: true, ticks: { precision: 0 } };
    if (opts.percent)
      valueAxis = {
        beginAtZero: true,
        max: 100,
        ticks: {
          callback: function (v) {
            return v + '%';
          },
        },
      };
    draw(id, {
      type: 'bar',
      data: {
        labels: labels,
        datasets: datasets.map(function (d, i) {
          return {
            label: d.label,
            data: d.data,
            backgroundColor: d.color || PALETTE[i % PALETTE.length],
            maxBarThickness: horizontal ? 28 : 56,
          };
        }),
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        scales: horizontal ? { x: valueAxis } : { y: valueAxis },
        plugins: { legend: { display: datasets.length > 1 } },
      },
    });
  }
  function line(id, labels, datasets) {
    draw(id, {
      type: 'line',
      data: {
        labels: labels,
        datasets: datasets.map(function (d, i) {
          return {
            label: d.label,
            data: d.data,
            borderColor: PALETTE[i],
            backgroundColor: PALETTE[i],
            // Monotone cubic: the curve never overshoots its points (a tensioned Bézier dipped below zero
            // between a count and a zero); Chart.js ignores `tension` in this mode.
            cubicInterpolationMode: 'monotone',
            pointRadius: labels.length > 60 ? 0 : 3,
          };
        }),
      },
      options: {
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        interaction: { mode: 'index', intersect: false },
      },
    });
  }

  /** The charts both pages show, from a report (admin) or the public figures (agencies = league rows). */
  function drawReport(r, agencies) {
    var multiYear = r.period.from.slice(0, 4) !== r.period.to.slice(0, 4);
    line(
      'received-answered',
      r.series.map(function (p) {
        return bucketLabel(p.bucket, r.period.granularity, multiYear);
      }),
      [
        {
          label: t('series.received'),
          data: r.series.map(function (p) {
            return p.received;
          }),
        },
        {
          label: t('series.answered'),
          data: r.series.map(function (p) {
            return p.answered;
          }),
        },
      ],
    );
    bar(
      'by-channel',
      r.byChannel.map(function (k) {
        return label('channels', k.key);
      }),
      [
        {
          label: t('series.received'),
          data: r.byChannel.map(function (k) {
            return k.count;
          }),
        },
      ],
    );
    bar(
      'by-category',
      r.byCategory.map(function (k) {
        return label('categories', k.key);
      }),
      [
        {
          label: t('series.received'),
          data: r.byCategory.map(function (k) {
            return k.count;
          }),
        },
      ],
      { horizontal: true },
    );
    bar(
      'by-agency',
      agencies.map(function (a) {
        return a.name;
      }),
      [
        {
          label: t('series.received'),
          data: agencies.map(function (a) {
            return a.received;
          }),
        },
        {
          label: t('series.answered'),
          data: agencies.map(function (a) {
            return a.answered;
          }),
        },
        {
          label: t('series.overdue'),
          data: agencies.map(function (a) {
            return a.overdue;
          }),
          color: '#c23b3b',
        },
      ],
      { horizontal: true },
    );
    if (r.byStatus) {
      bar(
        'by-status',
        r.byStatus.map(function (k) {
          return label('status', k.key);
        }),
        [
          {
            label: t('series.received'),
            data: r.byStatus.map(function (k) {
              return k.count;
            }),
          },
        ],
      );
    }
    if (r.backlogByAge) {
      bar(
        'backlog-age',
        r.backlogByAge.map(function (b) {
          return t('age.' + b.key);
        }),
        [
          {
            label: t('series.count'),
            data: r.backlogByAge.map(function (b) {
              return b.count;
            }),
            color: '#e07b24',
          },
        ],
      );
    }
    var answered = agencies.filter(function (a) {
      return a.answered > 0;
    });
    bar(
      'on-time',
      answered.map(function (a) {
        return a.name;
      }),
      [
        {
          label: t('series.on_time_rate'),
          data: answered.map(function (a) {
            return a.onTimeRate === null ? 0 : Math.round(a.onTimeRate * 1000) / 10;
          }),
          color: '#2e9e5b',
        },
      ],
      { horizontal: true, percent: true },
    );
  }

  function kpi(container, items) {
    container.textContent = '';
    items.forEach(function (it) {
      var div = document.createElement('div');
      div.className = 'kpi card' + (it.warn ? ' warn' : '');
      var v = document.createElement('div');
      v.className = 'kpi-value';
      v.textContent = it.value;
      var l = document.createElement('div');
      l.className = 'kpi-label';
      l.textContent = it.label;
      div.appendChild(v);
      div.appendChild(l);
      container.appendChild(div);
    });
  }

  window.PaknStats = {
    I18N: I18N,
    t: t,
    label: label,
    num: num,
    pct: pct,
    days: days,
    dmy: dmy,
    drawReport: drawReport,
    kpi: kpi,
    charts: charts,
  };
})();
