import {
  checkEmail,
  checkFullName,
  maskPhone,
  normalizeVietnamesePhone,
} from '../../../../src/application/citizen/contact';
import { ValidationError } from '../../../../src/domain/errors';

describe('normalizeVietnamesePhone', () => {
  it.each([
    ['0912345678', '+84912345678'],
    ['0912 345 678', '+84912345678'],
    ['091.234.5678', '+84912345678'],
    ['+84 912 345 678', '+84912345678'],
    ['+84 (0) 912-345-678', '+84912345678'],
    ['84912345678', '+84912345678'],
    ['0084912345678', '+84912345678'],
    ['0387654321', '+84387654321'],
    ['0561234567', '+84561234567'],
    ['0701234567', '+84701234567'],
    ['0812345678', '+84812345678'],
  ])('should normalise %s to %s', (input, expected) => {
    expect(normalizeVietnamesePhone(input)).toBe(expected);
  });

  it.each([
    '',
    '12345',
    '091234567',
    '09123456789',
    '0212345678',
    '+1 415 555 0100',
    '0912abc678',
    '+84 24 3825 1234',
  ])('should refuse %s', (input) => {
    expect(() => normalizeVietnamesePhone(input)).toThrow(ValidationError);
  });

  it('should mask a phone for showing back', () => {
    expect(maskPhone('+84912345678')).toBe('+84 91x xxx 678');
  });
});

describe('checkEmail and checkFullName', () => {
  it('should accept usual addresses and lower-case the domain', () => {
    expect(checkEmail(' An.Nguyen@Example.VN ')).toBe('An.Nguyen@example.vn');
  });
  it.each(['an', 'an@', '@x.vn', 'a b@x.vn', 'an@localhost', 'a@b@c.vn'])('should refuse %s', (e) => {
    expect(() => checkEmail(e)).toThrow(ValidationError);
  });
  it('should normalise names and refuse ones that are not names', () => {
    expect(checkFullName('  Nguyễn   Văn  An ')).toBe('Nguyễn Văn An');
    expect(checkFullName('Nguye\u0302\u0303n Văn An')).toBe('Nguyễn Văn An');
    for (const bad of ['A', '0912345678', 'x'.repeat(101), '<script>', '12']) {
      expect(() => checkFullName(bad)).toThrow(ValidationError);
    }
  });
});
