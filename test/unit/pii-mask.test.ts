import { describe, expect, it } from 'vitest';
import { luhnValid, maskPii } from '../../shared/pii-mask.js';

describe('maskPii', () => {
  it.each([
    ['call me on +44 20 7946 0958 please', 'call me on [phone ••••0958] please'],
    ['+1 (415) 555-0132', '[phone ••••0132]'],
    ['my number is (415) 555-0132.', 'my number is [phone ••••0132].'],
    ['415-555-0132', '[phone ••••0132]'],
    ['415.555.0132', '[phone ••••0132]'],
    ['4155550132', '[phone ••••0132]'],
    ['phone is 555 123 4567', 'phone is [phone ••••4567]'],
    ['1-800-555-0199', '[phone ••••0199]'],
    ['+33 1 23 45 67 89', '[phone ••••6789]'],
    ['0049 30 1234567', '[phone ••••4567]'],
    ['020 7946 0958', '[phone ••••0958]'],
    ['07700 900123', '[phone ••••0123]'],
    ['ring 555-0132 tonight', 'ring [phone ••••0132] tonight'],
  ])('masks the phone number in %j', (input, expected) => {
    expect(maskPii(input)).toEqual({ text: expected, found: 1 });
  });

  it.each([
    ['mail jane.doe+test@example.co.uk now', 'mail [email] now'],
    ['it is jane dot doe at gmail dot com thanks', 'it is [email] thanks'],
  ])('masks the e-mail address in %j', (input, expected) => {
    expect(maskPii(input)).toEqual({ text: expected, found: 1 });
  });

  it.each([
    ['card 4111 1111 1111 1111 exp', 'card [card ••••1111] exp'],
    ['4111-1111-1111-1111', '[card ••••1111]'],
    ['4111111111111111', '[card ••••1111]'],
    ['amex 378282246310005', 'amex [card ••••0005]'],
    ['visa 4222222222222', 'visa [card ••••2222]'],
  ])('masks the Luhn-valid card number in %j', (input, expected) => {
    expect(maskPii(input)).toEqual({ text: expected, found: 1 });
  });

  it.each([
    ['ssn 123-45-6789', 'ssn [national id]'],
    ['NI QQ 12 34 56 C', 'NI [national id]'],
    ['ni ab123456d', 'ni [national id]'],
  ])('masks the national ID in %j', (input, expected) => {
    expect(maskPii(input)).toEqual({ text: expected, found: 1 });
  });

  it.each([
    'at 10:30', 'at 3:45 pm', '10.30am', 'that is $1,299.99', '£45.00', 'it costs 12.99 or 1299', 'order 12345',
    'order number 12345678', 'order #1234567', 'ticket 2345678', 'ORD-555-1234', 'on 2024-05-01', '12/25/2024',
    'between 100-2000 dollars', 'room 404', '1.5 kg', 'version 2.3.1', 'meet me at 12 30', 'look at the menu',
    'reference 2024-123456', '4111 1111 1111 1112',
  ])('leaves %j alone', (input) => {
    expect(maskPii(input)).toEqual({ text: input, found: 0 });
  });

  it('counts every item in a longer turn', () => {
    const r = maskPii('I am jo@x.io, 415-555-0132, card 4111 1111 1111 1111, order 12345 at 10:30, ssn 123-45-6789');
    expect(r).toEqual({
      text: 'I am [email], [phone ••••0132], card [card ••••1111], order 12345 at 10:30, ssn [national id]',
      found: 4,
    });
  });

  it('is idempotent: masked text has nothing left to mask', () => {
    const once = maskPii('+44 20 7946 0958 or 4111111111111111').text;
    expect(maskPii(once)).toEqual({ text: once, found: 0 });
  });
});

describe('luhnValid', () => {
  it('checks the digit and the length', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('411111111111')).toBe(false);
    expect(luhnValid('4111 1111 1111 1111')).toBe(false);
  });
});
