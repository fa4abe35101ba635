import { describe, expect, it } from 'vitest';
import { findPii, maskPii } from '../../shared/pii-mask.js';

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
    ['card 4111 1111 1111 1112', 'card [card ••••1112]'],
    ['4111-1111-1111-111', '[card ••••1111]'],
    ['card is five four two five two three three four three oh one oh nine nine oh three', 'card is [card ••••9903]'],
  ])('masks the card number in %j, Luhn-valid or not', (input, expected) => {
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
    'reference 2024-123456', 'zip code 94103-1234', 'the part number is 4417-2290-01', 'tracking number 1Z 999 AA1 0123 4567 84',
    'your total is four hundred and twelve dollars', 'order number is nine nine eight seven seven six five four three two',
    'we need 12 chairs 4 tables and 2 projectors', 'the train leaves at 17 45 from platform 9', 'confirmation code 8 8 3 2 1 0 9',
    "i'll see you on 03 04 2025", 'oh one more thing', 'order nw 123456', 'the deal is at dot com prices', 'i work at the hospital',
  ])('leaves %j alone', (input) => {
    expect(maskPii(input)).toEqual({ text: input, found: 0 });
  });

  it.each([
    ['my cell is nine one seven, five five five, two three four five', 'my cell is [phone ••••2345]'],
    ["it's two oh one five five five oh one two three i think", "it's [phone ••••0123] i think"],
    ["number's plus three three six one two three four five six seven eight", "number's [phone ••••5678]"],
    ['my mobile is oh seven seven double oh nine double oh one two three', 'my mobile is [phone ••••0123]'],
    ['uh nine one seven uh 555 zero one five six', 'uh [phone ••••0156]'],
    ['my phone is 06 12 34 56 78', 'my phone is [phone ••••5678]'],
    ['my ssn is six six six, one two, three four five six', 'my ssn is [national id]'],
    ['social security number 123456789', 'social security number [national id]'],
    ['sin 046 454 286', 'sin [national id]'],
    ['national insurance is A B one two three four five six C', 'national insurance is [national id]'],
    ['e-mail is bob at example dot com', 'e-mail is [email]'],
    ["it's mike underscore r at protonmail dot com", "it's [email]"],
    ["it's j a n e at example dot com", "it's [email]"],
  ])('masks what speech recognition writes: %j', (input, expected) => {
    expect(maskPii(input)).toEqual({ text: expected, found: 1 });
  });

  it('ends an international number where the number ends', () => {
    expect(maskPii('+44 20 7946 0958 2 tickets please').text).toBe('[phone ••••0958] 2 tickets please');
  });

  it('reports each item with its kind and where it is', () => {
    const text = 'mail jo@x.io or call 415 555 0132';
    expect(findPii(text)).toEqual([
      { start: 5, end: 12, kind: 'email' },
      { start: 21, end: 33, kind: 'phone' },
    ]);
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
