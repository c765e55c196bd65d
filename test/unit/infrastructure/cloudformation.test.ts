import { toCloudFormation } from '../../../src/infrastructure/cloudformation';

describe('toCloudFormation', () => {
  it.each<[string, unknown, unknown]>([
    ['a plain string', 'vpc-0123', 'vpc-0123'],
    ['a number', 443, 443],
    ['a boolean', true, true],
    ['a pseudo parameter', 'arn:${AWS::Partition}:s3:::x', { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::x' }],
    ['a known variable', '${ApiVpceId}', { 'Fn::Sub': ['${ApiVpceId}', { ApiVpceId: { Ref: 'ApiEndpoint' } }] }],
    [
      'a pseudo parameter beside an IAM policy variable',
      'arn:aws:s3:::${AWS::AccountId}/${aws:username}',
      { 'Fn::Sub': 'arn:aws:s3:::${AWS::AccountId}/${!aws:username}' },
    ],
    [
      'only an IAM policy variable',
      '${aws:PrincipalTag/studiouserid}',
      { 'Fn::Join': ['', ['${', 'aws:PrincipalTag/studiouserid}']] },
    ],
    ['text around an IAM policy variable', 'home/${aws:username}/*', { 'Fn::Join': ['', ['home/', '${', 'aws:username}/*']] }],
  ])('renders %s', (_what, input, expected) => {
    expect(toCloudFormation(input, { ApiVpceId: { Ref: 'ApiEndpoint' } })).toEqual(expected);
  });

  it('walks arrays and objects, passing only the variables each string uses', () => {
    expect(toCloudFormation({ a: ['${A}', '${B}'], b: { c: 'x' } }, { A: { Ref: 'RA' }, B: 'literal' })).toEqual({
      a: [{ 'Fn::Sub': ['${A}', { A: { Ref: 'RA' } }] }, { 'Fn::Sub': ['${B}', { B: 'literal' }] }],
      b: { c: 'x' },
    });
  });
});
