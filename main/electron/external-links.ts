// Links the page asks to open outside the app (window.open, target=_blank). The page shows graph
// notes and model descriptions written by others, so a link is opened in the browser only when
// it goes to a known documentation host, or after the user confirms the exact address.

/** Hosts the app itself links to (its docs, the model hubs its notes name). */
export const TRUSTED_LINK_HOSTS: ReadonlySet<string> = new Set([
  'github.com',
  'huggingface.co',
  'onnxruntime.ai',
  'docs.comfy.org',
]);

export type LinkDecision = 'open' | 'ask' | 'refuse';

/** https on the standard port only; trusted hosts open directly, others need the user's yes. */
export function externalLinkDecision(url: string): LinkDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'refuse';
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) return 'refuse';
  return TRUSTED_LINK_HOSTS.has(parsed.hostname.toLowerCase()) ? 'open' : 'ask';
}

export interface ExternalLinkDeps {
  openExternal(url: string): Promise<void>;
  /** Shows the address and asks; resolves true when the user chose to open it. */
  confirm(url: string): Promise<boolean>;
}

/** Opens `url` in the browser when the policy allows; returns whether it was opened. */
export async function openExternalLink(url: string, deps: ExternalLinkDeps): Promise<boolean> {
  const decision = externalLinkDecision(url);
  if (decision === 'refuse') return false;
  if (decision === 'ask' && !(await deps.confirm(new URL(url).href))) return false;
  await deps.openExternal(url);
  return true;
}
