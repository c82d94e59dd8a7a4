// Copies text for the copy buttons. The Clipboard API needs a secure context (https or localhost); a
// school opening the page over plain http on its network gets the older selection-based copy.
import { t } from '../i18n/i18n.ts';

export async function copyText(text: string): Promise<void> {
  if (window.isSecureContext && navigator.clipboard) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.style.position = 'fixed';
  field.style.opacity = '0';
  document.body.append(field);
  field.select();
  const copied = document.execCommand('copy');
  field.remove();
  if (!copied) throw new Error(t('copy.failed'));
}
