/** The leak detector the fault, fuzz, corpus and load checks rely on: it must see what it looks for. */
import { leaksIn } from '../support/capture';

describe('leaksIn', () => {
  it.each([
    ['a URL token', '{"msg":"issued http://127.0.0.1:4599/auth?token=abc"}'],
    ['a JWT', '{"authorization":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"}'],
    ['a bearer value', 'header Authorization: Bearer abc.def.ghi'],
  ])('finds %s', (_what, text) => {
    expect(leaksIn(text)).not.toEqual([]);
  });

  it('finds a given secret standing as a word, and a short marker anywhere', () => {
    const secret = 'Zx9_q-Lm3Kd8Pq0Rs7Tu2Vw5Xy1Za4Bc6De8Fg0Hi2J';
    expect(leaksIn(`{"value":"${secret}"}`, [secret])).toEqual(['secret Zx9_q-…']);
    expect(leaksIn('x-SECRET-alice-TOKEN', ['SECRET-'])).toEqual(['marker SECRET-']);
  });

  it('passes an audit line', () => {
    const line =
      '{"level":"INFO","message":"studio-url.audit","audit":{"requestId":"r1","decision":"allow","reason":"issued","status":200,"subject":"local|alice","userProfileName":"alice"}}';
    expect(leaksIn(line, ['Zx9_q-Lm3Kd8Pq0Rs7Tu2Vw5Xy1Za4Bc6De8Fg0Hi2J'])).toEqual([]);
  });
});
