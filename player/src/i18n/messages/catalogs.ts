// Both catalogs by locale, and the message keys the code may use (a key missing from either is a
// type error; test/unit/message-catalogs.test.ts checks the rest: arguments agree, every key is used).
import type { Locale } from '../locales.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type MessageKey = keyof typeof en;

export const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };
