import { InvalidParameterError } from '../../../src/domain/errors';
import { parseLaunchOptions } from '../../../src/domain/launch-options';

describe('parseLaunchOptions', () => {
  it('defaults to a JSON answer with no landing page or space', () => {
    expect(parseLaunchOptions({})).toEqual({ redirect: false });
  });

  it.each([
    [{ redirect: ['true'] }, { redirect: true }],
    [{ redirect: ['false'] }, { redirect: false }],
    [{ landing: ['studio::'] }, { redirect: false, landingUri: 'studio::' }],
    [{ landing: ['studio::data-wrangler'] }, { redirect: false, landingUri: 'studio::data-wrangler' }],
    [{ landing: ['app:JupyterLab:lab/tree/work'] }, { redirect: false, landingUri: 'app:JupyterLab:lab/tree/work' }],
    [{ landing: ['app:JupyterServer:'] }, { redirect: false, landingUri: 'app:JupyterServer:' }],
    [{ landing: ['app:RStudioServerPro:'] }, { redirect: false, landingUri: 'app:RStudioServerPro:' }],
    [{ landing: ['app:CodeEditor:'] }, { redirect: false, landingUri: 'app:CodeEditor:' }],
    [{ landing: ['app:Canvas:'] }, { redirect: false, landingUri: 'app:Canvas:' }],
    [{ space: ['team-space-1'] }, { redirect: false, spaceName: 'team-space-1' }],
  ])('accepts %j', (query, expected) => {
    expect(parseLaunchOptions(query)).toEqual(expected);
  });

  it.each([
    [{ user: ['bob'] }, 'user'],
    [{ profile: ['bob'] }, 'profile'],
    [{ UserProfileName: ['bob'] }, 'UserProfileName'],
    [{ redirect: ['yes'] }, 'redirect'],
    [{ redirect: ['true', 'true'] }, 'redirect'],
    [{ space: ['a', 'b'] }, 'space'],
    [{ landing: ['https://evil.example/'] }, 'landing'],
    [{ landing: ['app:JupyterLab:../../etc'] }, 'landing'],
    [{ landing: ['app:JupyterLab:lab//x'] }, 'landing'],
    [{ landing: ['app:KernelGateway:'] }, 'landing'],
    [{ landing: ['studio:'] }, 'landing'],
    [{ landing: ['app:JupyterLab:lab?x=1'] }, 'landing'],
    [{ landing: [`studio::${'a'.repeat(1100)}`] }, 'landing'],
    [{ landing: [''] }, 'landing'],
    [{ space: ['../bob'] }, 'space'],
    [{ space: ['bob%00'] }, 'space'],
    [{ space: [''] }, 'space'],
    [{ space: ['a'.repeat(64)] }, 'space'],
    [{ space: ['\u0430lice'] }, 'space'],
  ])('refuses %j naming the parameter', (query, parameter) => {
    expect.assertions(2);
    try {
      parseLaunchOptions(query);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidParameterError);
      expect((error as InvalidParameterError).parameter).toBe(parameter);
    }
  });
});
