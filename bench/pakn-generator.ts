import type { Complaint, ComplaintStatus, HistoryEvent } from '../src/domain';
import { generateTrackingCode, type TrackingCode } from '../src/domain/tracking-code';

/**
 * The benchmarks' PAKN: deterministic for a seed, filed in time order over the two years before `nowMs`
 * (so row ids follow created_at, as in production), over a tree of ministries/provinces and their units.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Deterministic, so two runs load the same data. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const TOP = [
  'btc',
  'bct',
  'byt',
  'bgd',
  'bxd',
  'bgt',
  'btnmt',
  'bnn',
  'bld',
  'btp',
  'bca',
  'bqp',
  'bkh',
  'bnv',
  'btttt',
  'hno',
  'hcm',
  'hpg',
  'dng',
  'cto',
  'qni',
  'nan',
  'tho',
  'hti',
  'bdh',
  'dni',
  'lan',
  'kgi',
  'agi',
  'tnh',
];
export const UNIT_SUFFIX = ['tchq', 'sxd', 'stc'];
export const AGENCIES = ['vpcp', ...TOP, ...TOP.flatMap((t) => UNIT_SUFFIX.map((u) => `${t}.${u}`))];
export const CHANNELS = ['telegram', 'zalo', 'web', 'sms'] as const;
export const CATEGORIES = ['tthc', 'chinh_sach', 'can_bo', 'sang_kien', 'khac'];
export const TOPICS = [
  'thủ tục cấp giấy phép xây dựng',
  'ô nhiễm tiếng ồn',
  'ngập úng sau mưa',
  'đường hỏng nhiều ổ gà',
  'thuế thu nhập cá nhân',
  'bảo hiểm xã hội',
  'cấp hộ chiếu',
  'đăng ký kinh doanh',
  'giấy khai sinh',
  'chứng thực bản sao',
  'đất đai và sổ đỏ',
  'rác thải sinh hoạt',
  'điện chiếu sáng công cộng',
  'nước sạch sinh hoạt',
  'học phí trường công',
  'khám chữa bệnh bảo hiểm y tế',
  'trợ cấp thất nghiệp',
  'hải quan thông quan hàng hóa',
  'đăng kiểm xe cơ giới',
  'giấy phép lái xe',
  'thái độ cán bộ tiếp dân',
  'chậm giải quyết hồ sơ',
  'phí dịch vụ công trực tuyến',
  'bồi thường giải phóng mặt bằng',
  'an toàn thực phẩm',
  'vệ sinh môi trường',
  'trật tự lòng đường vỉa hè',
  'xe quá tải',
  'cây xanh đô thị',
  'cấp phép quảng cáo',
  'hóa đơn điện tử',
  'hoàn thuế giá trị gia tăng',
  'lương hưu',
  'chế độ người có công',
  'tiêm chủng',
  'phòng cháy chữa cháy',
  'karaoke gây ồn',
  'khai thác cát trái phép',
  'chợ tạm',
  'bãi đỗ xe',
];
export const FIRST = [
  'Yên',
  'Tân',
  'Phú',
  'Bình',
  'Hòa',
  'Đông',
  'Tây',
  'Nam',
  'Bắc',
  'Thanh',
  'Vĩnh',
  'Hưng',
  'Quang',
  'Minh',
  'Đức',
  'Xuân',
  'Thượng',
  'Hạ',
  'Trung',
  'Long',
];
export const SECOND = [
  'Lạc',
  'Phong',
  'Thịnh',
  'Lợi',
  'Sơn',
  'Hải',
  'Hà',
  'Lâm',
  'Điền',
  'Khánh',
  'Mỹ',
  'Lộc',
  'Thuận',
  'Quý',
  'Tiến',
  'An',
  'Định',
  'Giang',
  'Ninh',
  'Thành',
];
export const SENTENCES = [
  'Tôi đã gửi hồ sơ nhiều lần nhưng chưa nhận được phản hồi.',
  'Đề nghị cơ quan có thẩm quyền xem xét giải quyết sớm.',
  'Tình trạng này kéo dài đã lâu, ảnh hưởng đến đời sống của người dân.',
  'Cán bộ hướng dẫn chưa rõ ràng, yêu cầu bổ sung giấy tờ không có trong quy định.',
  'Kính mong các cấp lãnh đạo quan tâm chỉ đạo.',
  'Người dân trong khu vực rất bức xúc.',
  'Tôi xin cung cấp thêm hình ảnh kèm theo để làm rõ sự việc.',
  'Việc đi lại của học sinh và người già gặp nhiều khó khăn.',
];

export interface Generated {
  row: Complaint;
}

export function makeGenerator(nowMs: number, seed: number, total: number) {
  let index = 0;
  const spanMs = 730 * DAY;
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const used = new Set<string>();
  const statusOf = (): ComplaintStatus => {
    const r = rnd();
    return r < 0.7
      ? 'answered'
      : r < 0.8
        ? 'processing'
        : r < 0.88
          ? 'received'
          : r < 0.93
            ? 'awaiting_info'
            : 'rejected';
  };
  const ownerOf = (): string => {
    const r = rnd();
    return r < 0.1 ? 'vpcp' : r < 0.4 ? pick(TOP) : `${pick(TOP)}.${pick(UNIT_SUFFIX)}`;
  };
  return (): Generated => {
    let code: TrackingCode;
    // 35 random bits: a million draws would collide a few dozen times; the loader needs them unique.
    do code = generateTrackingCode((max) => Math.floor(rnd() * max));
    while (used.has(code));
    used.add(code);
    // Filed in time order over two years, as a real store fills up.
    const createdAt = new Date(nowMs - spanMs + Math.floor(((index++ + rnd()) * spanMs) / total));
    const dueAt = new Date(createdAt.getTime() + (10 + Math.floor(rnd() * 6)) * DAY);
    const status = statusOf();
    const owner = ownerOf();
    const topic = pick(TOPICS);
    const place = `${pick(FIRST)} ${pick(SECOND)}`;
    const content = `Phản ánh về ${topic} tại xã ${place}. ${Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => pick(SENTENCES)).join(' ')}`;
    const history: HistoryEvent[] = [
      {
        id: `${code}-1`,
        at: createdAt,
        type: 'received',
        actor: { kind: 'citizen' },
        toOwner: owner,
        status: 'received',
      },
    ];
    const c: Complaint = {
      code,
      title: `${topic[0]!.toUpperCase()}${topic.slice(1)} tại xã ${place}`,
      content,
      category: pick(CATEGORIES),
      attachments: [],
      submitter: {
        name: 'Nguyễn Văn An',
        phone: `09${String(Math.floor(rnd() * 1e8)).padStart(8, '0')}`,
        consentProcessing: true,
        consentPublishName: false,
      },
      channelRef: {
        channel: pick(CHANNELS),
        userId: String(Math.floor(rnd() * 1e9)),
        conversationId: String(Math.floor(rnd() * 1e9)),
      },
      locale: 'vi',
      status,
      owner,
      coordinators: [],
      dueAt,
      supplements: [],
      notes: [],
      history,
      version: 1 + history.length,
      createdAt,
      updatedAt: createdAt,
    };
    if (status === 'answered') {
      const answeredAt = new Date(createdAt.getTime() + Math.floor(rnd() * 20 * DAY) + HOUR);
      const published = rnd() < 0.5;
      c.answeredAt = answeredAt;
      c.updatedAt = answeredAt;
      c.answer = {
        text: 'Cơ quan đã tiếp nhận và xử lý theo quy định.',
        attachments: [],
        by: `${owner}.nl`,
        agency: owner,
        at: answeredAt,
        publishRequested: published,
        published,
        ...(published ? { publishedAt: answeredAt } : {}),
      };
      history.push({
        id: `${code}-2`,
        at: answeredAt,
        type: 'answered',
        actor: { kind: 'officer', id: `${owner}.nl` },
        status,
      });
    }
    return { row: c };
  };
}
