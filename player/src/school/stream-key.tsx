// A stream key, hidden until "Show" is pressed (a projected screen should not leak it), with a copy button.
import { useState } from 'preact/hooks';
import { CopyButton } from '../shared/copy-button.tsx';
import { t } from '../i18n/i18n.ts';

export function StreamKey({ label, value, kind }: { label: string; value: string; kind: 'primary' | 'backup' }) {
  const [shown, setShown] = useState(false);
  return (
    <div class="stream-field">
      <span class="field-label">{label}</span>
      <code class="stream-value" data-key={kind} data-shown={shown}>
        {shown ? value : '•'.repeat(16)}
      </code>
      <span class="stream-actions">
        <button type="button" class="button button-quiet" onClick={() => setShown(!shown)}>
          {shown ? t('key.hide') : t('key.show')}
        </button>
        <CopyButton text={value} />
      </span>
    </div>
  );
}
