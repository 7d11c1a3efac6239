/* The officers' statistics dashboard: sign in, pick a period, see charts of the caller's subtree, download. */
(function () {
  'use strict';
  var S = window.PaknStats;
  var t = S.t;
  var KEY = 'pakn.stats.session';
  var session = null;
  try {
    session = JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch (e) {
    session = null;
  }
  var $ = function (id) {
    return document.getElementById(id);
  };
  var lang = S.I18N.locale;

  function setState(s) {
    document.body.setAttribute('data-state', s);
  }
  function save(s) {
    session = s;
    // sessionStorage: gone with the tab, never sent automatically (no cookie, so no CSRF surface).
    if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
    else sessionStorage.removeItem(KEY);
  }
  function claims(token) {
    try {
      var p = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(decodeURIComponent(escape(atob(p))));
    } catch (e) {
      return {};
    }
  }

  function showLogin(message) {
    save(null);
    $('dashboard').hidden = true;
    $('logout').hidden = true;
    $('who').textContent = '';
    $('login').hidden = false;
    var err = $('login-error');
    err.hidden = !message;
    err.textContent = message || '';
    setState('login');
    $('username').focus();
  }

  async function refresh() {
    if (!session || !session.refreshToken) return false;
    try {
      var res = await fetch('/api/admin/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: session.refreshToken }),
      });
      if (!res.ok) return false;
      var body = await res.json();
      save({ accessToken: body.accessToken, refreshToken: body.refreshToken || session.refreshToken });
      return true;
    } catch (e) {
      return false;
    }
  }

  /** GET with the access token; one refresh on 401, then back to the sign-in form. */
  async function api(path) {
    var sep = path.indexOf('?') === -1 ? '?' : '&';
    var url = path + sep + 'lang=' + lang;
    var res = await fetch(url, { headers: { authorization: 'Bearer ' + session.accessToken } });
    if (res.status === 401 && (await refresh())) {
      res = await fetch(url, { headers: { authorization: 'Bearer ' + session.accessToken } });
    }
    if (res.status === 401) {
      showLogin(t('dashboard.session_expired'));
      throw new Error('unauthorized');
    }
    return res;
  }

  // A unit chosen in the league table (drill-down); empty means the account's own subtree.
  var drill = '';

  function query() {
    return (
      'from=' +
      encodeURIComponent($('from').value) +
      '&to=' +
      encodeURIComponent($('to').value) +
      '&granularity=' +
      encodeURIComponent($('granularity').value) +
      (drill ? '&agency=' + encodeURIComponent(drill) : '')
    );
  }

  function renderLeague(r) {
    var cols = ['agency', 'received', 'answered', 'on_time', 'on_time_rate', 'overdue'];
    var thead = $('league').querySelector('thead');
    var tbody = $('league').querySelector('tbody');
    thead.textContent = '';
    tbody.textContent = '';
    var tr = document.createElement('tr');
    cols.forEach(function (c) {
      var th = document.createElement('th');
      th.textContent = t('tables.col.' + c);
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    r.league.forEach(function (row) {
      var tr2 = document.createElement('tr');
      [
        row.name,
        S.num(row.received),
        S.num(row.answered),
        S.num(row.onTime),
        S.pct(row.onTimeRate),
        S.num(row.overdue),
      ].forEach(function (v, i) {
        var td = document.createElement('td');
        if (i === 0 && row.agency !== r.scope) {
          // A unit's own figures: one click narrows every chart, table and download to its subtree.
          var a = document.createElement('a');
          a.href = '#';
          a.className = 'drill';
          a.setAttribute('data-agency', row.agency);
          a.textContent = v;
          td.appendChild(a);
        } else td.textContent = v;
        if (i > 0) td.className = 'n';
        if (i === 5 && row.overdue > 0) td.className = 'n warn';
        tr2.appendChild(td);
      });
      tbody.appendChild(tr2);
    });
  }

  async function load() {
    setState('loading');
    $('status').textContent = t('dashboard.loading');
    try {
      var res = await api('/api/admin/stats?' + query());
      var r = await res.json();
      if (!res.ok) {
        $('status').textContent = r.message || t('dashboard.load_failed');
        setState('error');
        return;
      }
      $('status').textContent = '';
      $('scope').textContent = t('dashboard.scope', { scope: r.scopeName });
      $('drill-up').hidden = !drill;
      S.kpi($('kpis'), [
        { label: t('dashboard.kpi_received'), value: S.num(r.totals.received) },
        { label: t('dashboard.kpi_answered'), value: S.num(r.totals.answered) },
        { label: t('dashboard.kpi_on_time'), value: S.pct(r.totals.onTimeRate) },
        { label: t('dashboard.kpi_median'), value: S.days(r.answerTime.p50Ms) },
        { label: t('dashboard.kpi_p90'), value: S.days(r.answerTime.p90Ms) },
        { label: t('dashboard.kpi_open'), value: S.num(r.totals.open) },
        {
          label: t('dashboard.kpi_overdue'),
          value: S.num(r.totals.overdueNow),
          warn: r.totals.overdueNow > 0,
        },
      ]);
      S.drawReport(r, r.league);
      renderLeague(r);
      setState('ready');
    } catch (e) {
      if (String(e && e.message) !== 'unauthorized') {
        $('status').textContent = t('dashboard.load_failed');
        setState('error');
      }
    }
  }

  function showDashboard() {
    var c = claims(session.accessToken);
    $('who').textContent = c.sub ? t('dashboard.signed_in_as', { user: c.sub }) : '';
    $('login').hidden = true;
    $('dashboard').hidden = false;
    $('logout').hidden = false;
    return load();
  }

  $('login-form').addEventListener('submit', async function (ev) {
    ev.preventDefault();
    $('login-error').hidden = true;
    try {
      var res = await fetch('/api/admin/auth/login?lang=' + lang, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: $('username').value.trim(), password: $('password').value }),
      });
      var body = await res.json().catch(function () {
        return {};
      });
      if (!res.ok || !body.accessToken) {
        showLogin(body.message || t('dashboard.login_failed'));
        return;
      }
      $('password').value = '';
      save({ accessToken: body.accessToken, refreshToken: body.refreshToken });
      await showDashboard();
    } catch (e) {
      showLogin(t('dashboard.login_failed'));
    }
  });

  $('logout').addEventListener('click', function () {
    var s = session;
    if (s) {
      fetch('/api/admin/auth/logout', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer ' + s.accessToken },
        body: JSON.stringify({ refreshToken: s.refreshToken }),
      }).catch(function () {
        /* signing out locally is what matters */
      });
    }
    showLogin('');
  });

  document.addEventListener('click', function (ev) {
    var a = ev.target.closest && ev.target.closest('a.drill');
    if (!a) return;
    ev.preventDefault();
    drill = a.getAttribute('data-agency');
    load();
  });
  $('drill-up').addEventListener('click', function (ev) {
    ev.preventDefault();
    drill = '';
    load();
  });

  $('filters').addEventListener('submit', function (ev) {
    ev.preventDefault();
    load();
  });

  // Downloads carry the token in a header, so they are fetched and handed to the browser as a blob.
  document.addEventListener('click', async function (ev) {
    var a = ev.target.closest && ev.target.closest('a.dl');
    if (!a) return;
    ev.preventDefault();
    var kind = a.getAttribute('data-kind');
    var name = a.getAttribute('data-name');
    var ext = a.getAttribute('data-ext');
    var path =
      kind === 'chart'
        ? '/api/admin/stats/charts/' + name + '.' + ext
        : kind === 'table'
          ? '/api/admin/stats/tables/' + name + '.csv'
          : '/api/admin/stats/report.xlsx';
    try {
      var res = await api(path + '?' + query());
      if (!res.ok) {
        $('status').textContent = t('dashboard.load_failed');
        return;
      }
      var blob = await res.blob();
      var link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = 'pakn-' + name + '-' + $('from').value + '_' + $('to').value + '.' + ext;
      document.body.appendChild(link);
      link.click();
      setTimeout(function () {
        URL.revokeObjectURL(link.href);
        link.remove();
      }, 1000);
    } catch (e) {
      /* api() already showed the sign-in form on 401 */
    }
  });

  // Default period: the last 30 days up to the server's today (Vietnam time), whatever the browser's zone.
  var today = S.I18N.today;
  $('to').value = today;
  $('from').value = new Date(Date.parse(today + 'T00:00:00Z') - 29 * 86400000).toISOString().slice(0, 10);
  $('granularity').value = 'day';

  if (session && session.accessToken) showDashboard();
  else showLogin('');
})();
