/**
 * The written forms of IAM principals that configuration accepts and the identities they must match:
 * account-qualified names (`<account>:<name>`, from an ARN or written so), and the keys of a
 * PROFILE_MAP (an email, or `<account>:user/…`, `<account>:role/…`, `<account>:assumed-role/…/…`).
 * A key that can never equal a canonical identity is a configuration mistake, reported at start-up.
 */
import { type EmailRules, isEmailIdentity } from './caller';
import { parseEmail } from './email';
import { isPrintableAscii } from './text';

/** `<account>:<name>` from `arn:aws:iam::<account>:<kind>/<path>/<name>` or `<account>:<name>`; undefined otherwise. */
export function qualifiedPrincipal(item: string, kind: 'role' | 'user'): string | undefined {
  const arn = new RegExp(`^arn:aws[a-z-]*:iam::(\\d{12}):${kind}/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]{1,64})$`).exec(item);
  if (arn) return `${arn[1]}:${arn[2]}`;
  return /^\d{12}:[\w+=,.@-]{1,64}$/.test(item) ? item : undefined;
}

const IAM_MAP_KEY =
  /^(\d{12}):(?:user\/([\w+=,.@-]{1,64})|role\/([\w+=,.@-]{1,64})|assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64}))$/;

/** What decides whether a map key can match: the caller kind and its email rules (and, for IAM, its accounts). */
export type MapKeyRules =
  | { readonly mode: 'jwt'; readonly email: EmailRules }
  | { readonly mode: 'iam'; readonly email: EmailRules; readonly allowedAccounts: readonly string[] };

/** Why a PROFILE_MAP key can never match a canonical identity, or undefined when it can. */
export function mapKeyProblem(key: string, rules: MapKeyRules): string | undefined {
  if (!isPrintableAscii(key)) return 'is not printable ASCII';
  if (rules.mode === 'jwt') {
    if (!isEmailIdentity(key, rules.email)) return undefined;
    const email = parseEmail(key);
    if (email === undefined) return 'is not an email address';
    if (email.address !== key) return `is not canonical (write "${email.address}")`;
    if (rules.email.allowedDomains && !rules.email.allowedDomains.includes(email.domain))
      return 'is of a domain not in ALLOWED_EMAIL_DOMAINS';
    return undefined;
  }
  const match = IAM_MAP_KEY.exec(key);
  if (!match) return 'is not <account>:user/<name>, <account>:role/<role> or <account>:assumed-role/<role>/<session>';
  if (!rules.allowedAccounts.includes(match[1] as string)) return 'is of an account not in IAM_ALLOWED_ACCOUNTS';
  const name = match[2] ?? match[5];
  if (name !== undefined && rules.email.required) {
    const email = parseEmail(name);
    if (email === undefined || email.address !== name) return 'does not name a canonical (lower-case) email address';
  }
  return undefined;
}
