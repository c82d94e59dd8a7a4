// Entry point of the raised-hand pages (services/web/hands-pages.ts): /hands/<lesson> mounts the
// student's button, /hands/<lesson>/console the console's panel, under the site's header.
import { h, render } from 'preact';
import { t } from '../i18n/i18n.ts';
import { mountHandsPanel } from './hands-panel.ts';
import { mountRaiseHand } from './raise-hand.ts';
import { SiteHeader } from '../shared/site-header.tsx';
import { useAccount } from '../shared/use-account.ts';

const root = document.getElementById('app');
if (!root) throw new Error('the page shell has no <div id="app">');
const [, , lesson = '', part] = location.pathname.split('/');
const lessonId = decodeURIComponent(lesson);
const isConsole = part === 'console';

function Header() {
  const state = useAccount();
  return h(SiteHeader, { account: state.status === 'ready' ? state.account : undefined });
}

const header = document.createElement('div');
const main = document.createElement('main');
main.className = 'site-main';
const title = document.createElement('h1');
title.textContent = t(isConsole ? 'hands.page.console' : 'hands.page.student');
main.append(title);
root.append(header, main);
render(h(Header, {}), header);
if (isConsole) mountHandsPanel(main, { lessonId });
else mountRaiseHand(main, { lessonId });
