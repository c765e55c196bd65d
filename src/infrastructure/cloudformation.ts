/**
 * Turns plain values with `${Name}` placeholders into CloudFormation: any string with a `${...}`
 * becomes `Fn::Sub`, with the variables it uses. Pseudo parameters (`${AWS::Region}`) and known
 * variables are substituted; anything else (IAM policy variables like `${aws:PrincipalTag/x}`) is
 * escaped to `${!...}` so CloudFormation hands it to IAM unchanged; a string with only such
 * placeholders becomes a `Fn::Join` that splits the `${`. (Left raw, the Serverless
 * Framework would also take `${aws:...}` for one of its own variables.) Other strings stay as they are.
 */

export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };

const PLACEHOLDER = /\$\{([^}!][^}]*)\}/g;

function renderString(text: string, vars: Readonly<Record<string, CfnValue>>): CfnValue {
  const known = (name: string) => name.startsWith('AWS::') || name in vars;
  const names = [...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
  if (names.length === 0) return text;
  if (!names.some(known)) {
    // Nothing to substitute: split the `${` so neither CloudFormation nor the Framework reads a variable.
    const parts = text.split('${');
    return { 'Fn::Join': ['', parts.flatMap((part, i) => (i === 0 ? [part] : ['${', part])).filter((p) => p !== '')] };
  }
  const escaped = text.replace(PLACEHOLDER, (whole, name: string) => (known(name) ? whole : `\${!${name}}`));
  const used = Object.fromEntries(names.filter((n) => n in vars).map((n) => [n, vars[n] as CfnValue]));
  return Object.keys(used).length === 0 ? { 'Fn::Sub': escaped } : { 'Fn::Sub': [escaped, used] };
}

/** Renders `value` for a template; `vars` maps placeholder names to CloudFormation values (e.g. `{Ref: X}`). */
export function toCloudFormation(value: unknown, vars: Readonly<Record<string, CfnValue>> = {}): CfnValue {
  if (typeof value === 'string') return renderString(value, vars);
  if (Array.isArray(value)) return value.map((item) => toCloudFormation(item, vars));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCloudFormation(v, vars)]));
  }
  return value as CfnValue;
}
