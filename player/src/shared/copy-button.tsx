// A button that copies a value and says so for a moment ("Copied").
import { useState } from 'preact/hooks';
import { copyText } from './copy-text.ts';

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await copyText(text);
      setSaid('Copied');
    } catch (error) {
      setSaid((error as Error).message);
    }
    setTimeout(() => setSaid(''), 2000);
  };
  return (
    <button type="button" class="button button-quiet" onClick={copy} aria-live="polite">
      {said || label}
    </button>
  );
}
