// The school page says the ingest's advice on an encoder in the page's language, from the ingest's
// own English sentences: made here by the ingest's judge, so a change of its words fails this test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeSource } from '../../services/transcode/source-fitness.ts';
import { useTranslator } from '../../player/src/i18n/i18n.ts';
import { adviceInWords } from '../../player/src/school/encoder-advice-words.ts';

const top = { maxKbps: 900, bufferKbps: 1800 };
const advices = [judgeSource({ duration: 8.3, bytes: 100_000 }, top, 2), judgeSource({ duration: 2, bytes: 500_000 }, top, 2)].map((fitness) => {
  assert.equal(fitness.fit, false);
  return fitness.fit ? '' : fitness.advice;
});

test("the ingest's advice reads the same on an English page", () => {
  useTranslator('en', 'UTC');
  for (const advice of advices) assert.equal(adviceInWords(advice), advice);
});

test("the ingest's advice reads in Chinese on a Chinese page, with its figures", () => {
  useTranslator('zh-CN', 'Asia/Shanghai');
  try {
    assert.equal(adviceInWords(advices[0]!), '关键帧间隔为 8.3 秒：请在编码器中设为 2 秒（OBS：设置 > 输出 > 关键帧间隔 = 2）');
    assert.equal(adviceInWords(advices[1]!), '码率为 2.0 Mb/s：请在编码器中设为不超过 0.9 Mb/s（CBR）');
    assert.equal(adviceInWords('something new'), 'something new', 'an advice of another form is shown as written');
  } finally {
    useTranslator('en', 'UTC');
  }
});
