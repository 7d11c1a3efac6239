import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { Resvg } from '@resvg/resvg-js';
import { openSqliteStores, type SqliteStores } from '../../../src/persistence/sqlite';
import {
  allStatsTables,
  CHART_NAMES,
  chartSpec,
  createStatsService,
  niceTicks,
  renderSvgChart,
  resolvePeriod,
  statsTable,
  toCsv,
  toXlsx,
  type StatsReport,
  type Translate,
} from '../../../src/application/stats';
import { tFor } from '../../../src/i18n';
import { loadFixture, NOW } from './stats-fixture';

/** Element nesting of an SVG: every opened element closed in order, attributes quoted, no stray `<` or `&`. */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  const re =
    /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<[^>]*>|&(?!(?:amp|lt|gt|quot|apos|#\d+);)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    if (!m[2]) throw new Error(`malformed markup at ${m.index}: ${xml.slice(m.index, m.index + 40)}`);
    if (m[1]) {
      const open = stack.pop();
      if (open !== m[2]) throw new Error(`</${m[2]}> closes <${open}>`);
    } else if (!m[4]) stack.push(m[2]);
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(', ')}`);
  // And a real XML parser (resvg's) accepts it and draws something.
  const png = new Resvg(xml).render();
  expect(png.width).toBeGreaterThan(0);
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<'),
  );
}

describe('stats outputs: SVG charts, CSV, XLSX', () => {
  let dir: string;
  let stores: SqliteStores;
  let report: StatsReport;
  const t: Translate = (k, p) => String(tFor('vi')(k, p as never));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pakn-stats-out-'));
    stores = openSqliteStores({ file: join(dir, 'stats.db') });
    await loadFixture(stores);
    const service = createStatsService({
      complaints: stores.complaints,
      listAgencies: () => stores.agencies.list(),
      clock: { now: () => NOW },
    });
    report = await service.report(
      'vpcp',
      resolvePeriod({ from: '2026-03-01', to: '2026-03-31', granularity: 'week' }, NOW),
    );
  });
  afterAll(async () => {
    await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(CHART_NAMES.map((n) => [n]))(
    'should draw %s as well-formed SVG with a Vietnamese title',
    (name) => {
      const svg = renderSvgChart(chartSpec(name, report, t));
      assertWellFormed(svg);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg).not.toMatch(/<script|href=/i);
      // The backlog is "now", not of the period: its subtitle names the scope only.
      expect(texts(svg)).toContain(
        name === 'backlog-age' ? 'Văn phòng Chính phủ' : 'Văn phòng Chính phủ · từ 01/03/2026 đến 31/03/2026',
      );
    },
  );

  it('should label the agency bars with the agencies’ Vietnamese names and their counts', () => {
    const svg = renderSvgChart(chartSpec('by-agency', report, t));
    const labels = texts(svg);
    expect(labels).toEqual(
      expect.arrayContaining([
        'PAKN theo cơ quan',
        'Bộ Tài chính',
        'UBND thành phố Hà Nội',
        'Bộ Công Thương',
        'Tiếp nhận',
        'Đã trả lời',
        'Quá hạn',
      ]),
    );
    // Bộ Tài chính: 6 received, 4 answered, 1 overdue: each is written at the end of its bar.
    expect(svg).toContain('<title>Bộ Tài chính · Tiếp nhận: 6</title>');
    expect(svg).toContain('<title>Bộ Tài chính · Đã trả lời: 4</title>');
    expect(svg).toContain('<title>Bộ Tài chính · Quá hạn: 1</title>');
    expect(labels).toEqual(expect.arrayContaining(['6', '4', '1']));
  });

  it('should draw the weekly series as lines with one point label per week', () => {
    const svg = renderSvgChart(chartSpec('received-answered', report, t));
    expect(texts(svg)).toEqual(
      expect.arrayContaining([
        'PAKN tiếp nhận và đã trả lời',
        '23/02',
        '02/03',
        '09/03',
        '16/03',
        '23/03',
        '30/03',
      ]),
    );
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('<title>02/03 · Tiếp nhận: 4</title>');
  });

  it('should write on-time shares as percentages on a 0–100 % axis', () => {
    const svg = renderSvgChart(chartSpec('on-time', report, t));
    expect(texts(svg)).toEqual(expect.arrayContaining(['0%', '100%', '75%']));
    expect(svg).toContain('<title>Bộ Tài chính · Tỷ lệ đúng hạn: 75%</title>');
  });

  it('should escape markup in labels', () => {
    const svg = renderSvgChart({
      kind: 'bar',
      title: 'A <b> & "c"',
      categories: ['<script>x</script>'],
      series: [{ name: 's', values: [3] }],
    });
    assertWellFormed(svg);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('should say there is no data instead of drawing empty axes silently', () => {
    const svg = renderSvgChart({
      kind: 'line',
      title: 'Trống',
      categories: [],
      series: [],
      emptyText: 'Không có dữ liệu',
    });
    assertWellFormed(svg);
    expect(texts(svg)).toContain('Không có dữ liệu');
  });

  it('should pick round axis ticks that cover the data', () => {
    expect(niceTicks(6, false)).toEqual([0, 2, 4, 6]);
    expect(niceTicks(47, false)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(1234, false)).toEqual([0, 250, 500, 750, 1000, 1250]);
    expect(niceTicks(0, false)).toEqual([0, 1]);
  });

  it('should write the league table as CSV with a BOM, Vietnamese headers and exact figures', () => {
    const csv = toCsv(statsTable('league', report, t));
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'Mã cơ quan,Cơ quan,Tiếp nhận,Đã trả lời,Đúng hạn,Tỷ lệ đúng hạn (%),Quá hạn hiện tại',
    );
    expect(lines.slice(1, 6)).toEqual([
      'btc,Bộ Tài chính,6,4,3,75,1',
      'hno,UBND thành phố Hà Nội,3,1,1,100,1',
      'btcx,Cơ quan thử nghiệm,1,1,1,100,0',
      'vpcp,Văn phòng Chính phủ,1,0,0,,0',
      'bct,Bộ Công Thương,0,0,0,,0',
    ]);
    expect(lines[6]).toBe('');
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('should write the summary with the on-time rate and answer times in days', () => {
    const lines = toCsv(statsTable('summary', report, t))
      .slice(1)
      .split('\r\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'PAKN tiếp nhận trong kỳ,11',
        'PAKN đã trả lời trong kỳ,6',
        'Trả lời đúng hạn,5',
        'Tỷ lệ trả lời đúng hạn (%),83.3',
        'Thời gian trả lời trung vị (ngày),3',
        'Thời gian trả lời phân vị 90 (ngày),20',
        'PAKN quá hạn (hiện tại),2',
        'Từ ngày,01/03/2026',
      ]),
    );
  });

  it('should quote CSV fields with commas and quotes, and defuse formulas', () => {
    const csv = toCsv({
      columns: ['a', 'b'],
      rows: [
        ['x, "y"', '=HYPERLINK("http://evil")'],
        [-1, null],
      ],
    });
    expect(csv).toBe('\uFEFFa,b\r\n"x, ""y""","\'=HYPERLINK(""http://evil"")"\r\n-1,\r\n');
  });

  it('should write every table as a sheet of a valid XLSX workbook, numbers as numbers', () => {
    const files = unzipSync(toXlsx(allStatsTables(report, t)));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        '[Content_Types].xml',
        '_rels/.rels',
        'xl/workbook.xml',
        'xl/styles.xml',
        'xl/worksheets/sheet1.xml',
        'xl/worksheets/sheet7.xml',
      ]),
    );
    const workbook = strFromU8(files['xl/workbook.xml']!);
    expect(workbook).toContain('<sheet name="Theo cơ quan" sheetId="3" r:id="rId3"/>');
    const league = strFromU8(files['xl/worksheets/sheet3.xml']!);
    assertWellFormedXml(league);
    expect(league).toContain('<t xml:space="preserve">Bộ Tài chính</t>');
    expect(league).toContain('<c r="C2"><v>6</v></c>');
    expect(league).toContain('<c r="F2"><v>75</v></c>');
  });
});

function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w:]*)[^>]*?(\/?)>/g)) {
    if (m[1]) expect(stack.pop()).toBe(m[2]);
    else if (!m[3]) stack.push(m[2]!);
  }
  expect(stack).toEqual([]);
}
