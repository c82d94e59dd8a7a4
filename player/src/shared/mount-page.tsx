// Every page's entry point ends here: the page's root component drawn into the shell's <div id="app">.
import { render, type ComponentChild } from 'preact';

export function mountPage(page: ComponentChild): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('the page shell has no <div id="app">');
  render(page, root);
}
