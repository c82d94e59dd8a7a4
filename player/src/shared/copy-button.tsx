// A button that copies a value and says so for a moment ("Copied").
import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n.ts';
import { copyText } from './copy-text.ts';

export function CopyButton({ text, label }: { text: string; label?: string }) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await copyText(text);
      setSaid(t('copy.copied'));
    } catch (error) {
      setSaid((error as Error).message);
    }
    setTimeout(() => setSaid(''), 2000);
  };
  return (
    <button type="button" class="button button-quiet" onClick={copy} aria-live="polite">
      {said || label || t('copy.copy')}
    </button>
  );
}
