/* The public statistics page: aggregate figures only, from /api/public/stats. */
(function () {
  'use strict';
  var S = window.PaknStats;
  var t = S.t;
  var $ = function (id) {
    return document.getElementById(id);
  };

  async function load() {
    document.body.setAttribute('data-state', 'loading');
    $('status').textContent = t('dashboard.loading');
    try {
      var months = $('months').value;
      var res = await fetch(
        '/api/public/stats?months=' + encodeURIComponent(months) + '&lang=' + S.I18N.locale,
      );
      var r = await res.json();
      if (!res.ok) throw new Error(r.message || 'failed');
      $('status').textContent = '';
      $('period').textContent = t('public.period', {
        months: months,
        from: S.dmy(r.period.from),
        to: S.dmy(r.period.to),
      });
      S.kpi($('kpis'), [
        { label: t('dashboard.kpi_received'), value: S.num(r.totals.received) },
        { label: t('dashboard.kpi_answered'), value: S.num(r.totals.answered) },
        { label: t('dashboard.kpi_on_time'), value: S.pct(r.totals.onTimeRate) },
        { label: t('dashboard.kpi_median'), value: S.days(r.answerTime.p50Ms) },
        { label: t('dashboard.kpi_open'), value: S.num(r.totals.open) },
      ]);
      S.drawReport(
        { period: r.period, series: r.series, byChannel: r.byChannel, byCategory: r.byCategory },
        r.agencies,
      );
      $('updated').textContent = t('public.updated', {
        at: new Date(r.generatedAt).toLocaleString(S.I18N.locale === 'vi' ? 'vi-VN' : 'en-GB'),
      });
      document.body.setAttribute('data-state', 'ready');
    } catch (e) {
      $('status').textContent = t('dashboard.load_failed');
      document.body.setAttribute('data-state', 'error');
    }
  }
  $('months').addEventListener('change', load);
  $('filters').addEventListener('submit', function (ev) {
    ev.preventDefault();
    load();
  });
  load();
})();
